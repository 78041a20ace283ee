import Foundation
import VigilBench

/// A real Mosquitto broker, run as a child process from a configuration file, on a free loopback
/// port. Started with ``ChildProcess`` (posix_spawn with default signals): a child of
/// `Foundation.Process` inherits the test runner's blocked signals and would ignore SIGTERM (and
/// `mosquitto_sub -W` its alarm).
final class Mosquitto: @unchecked Sendable {
    // @unchecked: the Process is only touched from the test that owns this object.
    let configurationFile: String
    let port: Int
    private var process: ChildProcess?
    private let log: URL
    /// Set: the directory of the configuration file is this broker's own, removed with it.
    private let removingItsDirectory: Bool

    static let binary = "/usr/sbin/mosquitto"
    static let publisher = "/usr/bin/mosquitto_pub"
    static let subscriber = "/usr/bin/mosquitto_sub"

    init(configurationFile: String, port: Int, removingItsDirectory: Bool = false) {
        self.configurationFile = configurationFile
        self.port = port
        self.log = URL(fileURLWithPath: configurationFile + ".log")
        self.removingItsDirectory = removingItsDirectory
    }

    /// A broker that lets anyone in (for the server's anonymous mode), in a fresh directory.
    static func anonymous() throws -> Mosquitto {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosquitto-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let port = try Loopback.freePort()
        let file = directory + "/mosquitto.conf"
        try "user \(NSUserName())\nlistener \(port) 127.0.0.1\nallow_anonymous true\n".write(toFile: file, atomically: false, encoding: .utf8)
        return Mosquitto(configurationFile: file, port: port, removingItsDirectory: true)
    }

    /// Starts the broker and waits until it accepts connections.
    func start() async throws {
        let process = try ChildProcess.spawn(Self.binary, ["-c", configurationFile], log: log.path)
        self.process = process
        let deadline = ContinuousClock.now + .seconds(20)
        // One more look after the deadline: a test process stalled past it may find the broker up.
        var late = false
        while !late {
            late = ContinuousClock.now >= deadline
            if !process.isRunning { throw Failure("mosquitto exited: \(output)") }
            if Loopback.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure("mosquitto did not start: \(output)")
    }

    /// Stops the broker (SIGTERM: it saves its persistent sessions) and waits for it.
    func stop(_ signal: Int32 = SIGTERM) {
        process?.stop(signal)
        process = nil
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Runs `mosquitto_pub` (or `mosquitto_sub`) against this broker; returns its status and
    /// output. Killed after `timeout`.
    func client(_ binary: String, _ arguments: [String], timeout: TimeInterval = 10) throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("mosquitto-client-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = try ChildProcess.spawn(binary, ["-h", "127.0.0.1", "-p", String(port)] + arguments, log: output)
        let status = process.wait(timeout: .milliseconds(Int(timeout * 1000))) ?? process.stop(SIGKILL)
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    deinit {
        if let process, process.isRunning { process.stop(SIGKILL) }
        if removingItsDirectory {
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: configurationFile).deletingLastPathComponent().path)
        }
    }
}
