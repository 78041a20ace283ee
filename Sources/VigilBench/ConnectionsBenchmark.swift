import Foundation
import VigilCore

/// Idle connections against the server's trivial route: `GET /health` timed over a new connection
/// each time, first with no other connection open (the ceiling, measured in the same run), then
/// with `idle` connections held open that never send a byte.
public struct ConnectionsBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        public var idle = 9_000
        public var requests = 2_000
        public init() {}
    }

    public struct Report: Sendable {
        public var options: Options
        /// Idle connections opened, and how many were still open after the second timing.
        public var held: Int
        public var stillOpen: Int
        /// Microseconds, with none idle and with `held` idle.
        public var alone: (p50: UInt64, p99: UInt64, max: UInt64)
        public var loaded: (p50: UInt64, p99: UInt64, max: UInt64)

        public var text: String {
            func line(_ latency: (p50: UInt64, p99: UInt64, max: UInt64)) -> String {
                String(
                    format: "p50 %.2f ms, p99 %.2f ms, max %.2f ms", Double(latency.p50) / 1000, Double(latency.p99) / 1000,
                    Double(latency.max) / 1000)
            }
            return [
                "Vigil connections benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(options.requests) GET /health, each on a new connection",
                "  no idle connections (ceiling): \(line(alone))",
                "  \(held) idle connections held:  \(line(loaded)) (\(stillOpen) still open after)",
            ].joined(separator: "\n")
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        var target = options.target
        // Held for the whole run, not closed by the server's idle timeout meanwhile.
        target.serveEnvironment["VIGIL_HTTP_IDLE_TIMEOUT"] = "3600"
        let server = try await BenchServer.attachOrStart(target, log: log)
        defer { server.stop() }
        guard let port = URL(string: server.baseURL)?.port else { throw VigilError(.invalid, "\(server.baseURL) has no port") }
        let alone = try Self.timeHealth(port: port, requests: options.requests)
        log("opening \(options.idle) idle connections…")
        var idle: [Int32] = []
        idle.reserveCapacity(options.idle)
        while idle.count < options.idle, let fd = Loopback.connection(port: port) { idle.append(fd) }
        defer { for fd in idle { close(fd) } }
        try await Task.sleep(for: .seconds(1))
        let loaded = try Self.timeHealth(port: port, requests: options.requests)
        var byte: UInt8 = 0
        let stillOpen = idle.count { fd in recv(fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK)) < 0 && errno == EAGAIN }
        return Report(options: options, held: idle.count, stillOpen: stillOpen, alone: alone, loaded: loaded)
    }

    /// Times `GET /health` on a new connection `requests` times, one after another.
    static func timeHealth(port: Int, requests: Int) throws -> (p50: UInt64, p99: UInt64, max: UInt64) {
        let request = Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        var buffer = [UInt8](repeating: 0, count: 4096)
        var samples: [UInt64] = []
        for _ in 0..<requests {
            let started = ContinuousClock.now
            guard let fd = Loopback.connection(port: port) else { throw VigilError(.unavailable, "the server took no new connection") }
            defer { close(fd) }
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var answer: [UInt8] = []
            while true {
                let read = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard read > 0 else { break }
                answer += buffer[0..<read]
            }
            guard answer.starts(with: Array("HTTP/1.1 200".utf8)) else { throw VigilError(.unavailable, "/health did not answer 200") }
            samples.append((ContinuousClock.now - started).microseconds)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)], samples.last ?? 0)
    }
}
