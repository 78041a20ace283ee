import Foundation
import VigilCore

/// HAProxy (Debian's) on one loopback port: in front of several `vigil serve` nodes as
/// `docs/deploy.md` configures it (round robin over the nodes that answer `/health/ready`,
/// WebSockets passed through, a node taken out after two failed checks a quarter-second apart), or
/// as a plain TCP link to one port (a network path the tests cut by stopping it).
public struct LocalHAProxy: Sendable {
    /// Where Debian installs HAProxy; nil when it is not installed.
    public static let binary = ["/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    public let port: Int
    public let directory: String

    public init() throws {
        port = try Loopback.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-haproxy-\(UUID().uuidString)").path
    }

    /// A TCP link to `port` of the loopback interface.
    public func link(to port: Int) -> String {
        """
        defaults
            mode tcp
            timeout connect 2s
            timeout client 1h
            timeout server 1h
        listen link
            bind 127.0.0.1:\(self.port)
            server target 127.0.0.1:\(port)

        """
    }

    /// The configuration for nodes listening on `ports` of the loopback interface.
    public func configuration(nodes ports: [Int]) -> String {
        let servers = ports.enumerated().map { index, port in
            "    server node\(index + 1) 127.0.0.1:\(port) check inter 250ms fall 2 rise 2"
        }
        return """
            global
                maxconn 4096
            defaults
                mode http
                timeout connect 2s
                timeout client 60s
                timeout server 60s
                timeout tunnel 1h
                option redispatch
                retries 2
            frontend vigil
                bind 127.0.0.1:\(port)
                default_backend nodes
            backend nodes
                balance roundrobin
                option httpchk GET /health/ready
                http-check expect status 200
            \(servers.joined(separator: "\n"))

            """
    }

    /// Starts HAProxy in front of the nodes on `ports` and waits until it accepts connections.
    public func start(nodes ports: [Int]) async throws -> ChildProcess {
        try await start(configuration(nodes: ports))
    }

    /// Starts HAProxy with `configuration` (``configuration(nodes:)``, ``link(to:)``) and waits
    /// until it accepts connections.
    public func start(_ configuration: String) async throws -> ChildProcess {
        guard let binary = Self.binary else { throw VigilError(.unavailable, "HAProxy is not installed (apt-get install haproxy)") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/haproxy.cfg"
        try configuration.write(toFile: file, atomically: true, encoding: .utf8)
        let process = try ChildProcess.spawn(binary, ["-db", "-f", file], log: directory + ".log")
        for _ in 0..<100 {
            if Loopback.accepts(port: port) { return process }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.stop()
        throw VigilError(.unavailable, "HAProxy did not start; see \(directory).log")
    }

    /// Removes the configuration and the log.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: directory + ".log")
    }
}
