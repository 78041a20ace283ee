import Foundation
import VigilBench

/// A real Mosquitto broker, run as a child process from a configuration file, on a free loopback port.
final class Mosquitto: @unchecked Sendable {
    // @unchecked: the Process is only touched from the test that owns this object.
    let configurationFile: String
    let port: Int
    private var process: Process?
    private let log: URL

    static let binary = "/usr/sbin/mosquitto"
    static let publisher = "/usr/bin/mosquitto_pub"
    static let subscriber = "/usr/bin/mosquitto_sub"

    init(configurationFile: String, port: Int) {
        self.configurationFile = configurationFile
        self.port = port
        self.log = URL(fileURLWithPath: configurationFile + ".log")
    }

    /// A broker that lets anyone in (for the server's anonymous mode), in a fresh directory.
    static func anonymous() throws -> Mosquitto {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosquitto-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let port = try Loopback.freePort()
        let file = directory + "/mosquitto.conf"
        try "user \(NSUserName())\nlistener \(port) 127.0.0.1\nallow_anonymous true\n".write(toFile: file, atomically: true, encoding: .utf8)
        return Mosquitto(configurationFile: file, port: port)
    }

    /// Starts the broker and waits until it accepts connections.
    func start() async throws {
        let process = Process()
        (process.executableURL, process.arguments) = Self.withDefaultSignals(Self.binary, ["-c", configurationFile])
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if !process.isRunning { throw Failure("mosquitto exited: \(output)") }
            if Loopback.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure("mosquitto did not start: \(output)")
    }

    /// Stops the broker (SIGTERM: it saves its persistent sessions) and waits for it.
    func stop(_ signal: Int32 = SIGTERM) {
        guard let process else { return }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        self.process = nil
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Runs `mosquitto_pub` (or `mosquitto_sub`) against this broker; returns its status and output.
    func client(_ binary: String, _ arguments: [String], timeout: TimeInterval = 10) throws -> (status: Int32, output: String) {
        let process = Process()
        (process.executableURL, process.arguments) = Self.withDefaultSignals(binary, ["-h", "127.0.0.1", "-p", String(port)] + arguments)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        // Our own deadline (SIGKILL): a child may inherit a signal mask that blocks SIGALRM and SIGTERM.
        let killer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer.cancel()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A command line that runs `binary` with no signal blocked. A child inherits the signal mask
    /// of the thread that starts it, and the test runner's threads block nearly every signal: the
    /// broker would ignore SIGTERM and `mosquitto_sub -W` its alarm.
    static func withDefaultSignals(_ binary: String, _ arguments: [String]) -> (URL, [String]) {
        let unblock = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])"
        return (URL(fileURLWithPath: "/usr/bin/python3"), ["-c", unblock, binary] + arguments)
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
