import Foundation
import NIOHTTP1
import VigilSimulator

/// The same server's trivial route (`GET /health/live`), asked over the same connections by the
/// same client as the load: the ceiling of requests per second that HTTP, the client and the
/// server's middleware leave on this machine, in the same run.
enum TrivialRoute {
    /// Requests per second answered 200 over `connections` concurrent connections for `seconds`.
    static func measure(_ server: BenchServer, connections: Int, seconds: Double) async -> Double {
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(seconds * 1000))
        let answered = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var answered = 0
                    while ContinuousClock.now < deadline {
                        if (try? await server.request(.GET, "/health/live"))?.status == .ok { answered += 1 }
                    }
                    return answered
                }
            }
            return await group.reduce(0, +)
        }
        return Double(answered) / (ContinuousClock.now - start).seconds
    }

    /// The latency of `count` requests, one at a time, `interval` apart.
    static func latencies(_ server: BenchServer, count: Int, interval: Duration) async throws -> LatencyFigures {
        var figures = LatencyFigures()
        for _ in 0..<count {
            let start = ContinuousClock.now
            _ = try await server.request(.GET, "/health/live")
            figures.record(ContinuousClock.now - start)
            try await Task.sleep(for: interval)
        }
        return figures
    }
}
