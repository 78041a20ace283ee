import Foundation
import VigilCore

/// A Mosquitto that a benchmark or the demo starts beside the server it starts: on a free loopback
/// port, with the password file, ACL and `mosquitto.conf` that the server writes in `directory`
/// (`vigil serve --broker-config`).
public struct LocalBroker: Sendable {
    /// Where Debian installs Mosquitto (or elsewhere on the usual paths); nil when it is not installed.
    public static let binary = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    public let port: Int
    public let directory: String

    public init(directory: String? = nil) throws {
        port = try Loopback.freePort()
        self.directory =
            directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-broker-\(UUID().uuidString)").path
    }

    /// The `vigil serve` options that make the server write the broker's files and read from it.
    public var serveArguments: [String] { ["--mqtt", "mqtt://127.0.0.1:\(port)", "--broker-config", directory] }

    /// Starts Mosquitto on the server's files (write them first: start the server) and waits until
    /// it accepts connections.
    public func start() async throws -> ChildProcess {
        guard let binary = Self.binary else { throw VigilError(.unavailable, "Mosquitto is not installed (apt-get install mosquitto)") }
        let process = try ChildProcess.spawn(binary, ["-c", directory + "/mosquitto.conf"], log: directory + ".log")
        for _ in 0..<100 {
            if Loopback.accepts(port: port) { return process }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.stop()
        throw VigilError(.unavailable, "Mosquitto did not start; see \(directory).log")
    }
}
