import Foundation
import Histogram
import NIOHTTP1
import VigilCore
import VigilSimulator

/// `vigil bench board`: how long a nurse waits for the ranked board of a large ward. Creates a
/// ward of N patients with a device each, sends every patient a set of vital signs (some sick
/// enough to raise alerts), then asks for `GET /api/board` repeatedly as the ward's nurse.
public struct BoardBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        public var patients = 1000
        public var requests = 200
        public init() { target.connections = 8 }
    }

    /// Timings of one form of the request, in microseconds.
    public struct Timing: Sendable {
        public var path: String
        public var bytes: Int
        public var latency: (p50: UInt64, p99: UInt64, max: UInt64)
    }

    public struct Report: Sendable {
        public var options: Options
        public var ranked: Int
        public var alerted: Int
        /// The first board after the readings, in milliseconds.
        public var first: Double
        public var timings: [Timing]

        public var text: String {
            func ms(_ us: UInt64) -> String { String(format: "%.1f ms", Double(us) / 1000) }
            return
                ([
                    "Vigil board benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores",
                    "  ward:        \(ranked) patients ranked (\(alerted) with open alerts); every line shown is audited",
                    String(format: "  first board: %.1f ms", first),
                ]
                + timings.map {
                    "  GET \($0.path) (\($0.bytes / 1024) KiB), \(options.requests) times: p50 \(ms($0.latency.p50)), p99 \(ms($0.latency.p99)), max \(ms($0.latency.max))"
                }).joined(separator: "\n")
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        let server = try await BenchServer.attachOrStart(options.target, log: log)
        defer { server.stop() }
        let ward = try await BenchFleet.create(on: server, devices: options.patients, prefix: "ward", log: log)
        let nurse = try await BenchWard.create(on: server, admin: ward.adminToken, patients: ward.patientIDs)
        log("sending each patient a set of vital signs…")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for n in stride(from: worker, to: options.patients, by: 8) {
                        let readings: [JSON] = (0..<5).map { i in
                            let vital = BenchVitals.reading(i, phase: n * 37)
                            return [
                                "seq": .integer(i), "time": .string(FHIRDateTime.instant(milliseconds: now - Int64(60 - i) * 1000)),
                                "code": .string(vital.code), "value": .double(vital.value), "unit": .string(vital.unit),
                            ]
                        }
                        let reply = try await server.request(
                            .POST, "/api/ingest", token: ward.deviceTokens[n], body: JSON.object(["readings": .array(readings)]).serialized())
                        guard reply.status == .ok else { throw VigilError(.internal, "ingest failed: \(reply.status)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        // Let the analysis finish: wait until the number of open alerts stops changing.
        var alerted = -1
        for _ in 0..<50 {
            try await Task.sleep(for: .milliseconds(200))
            let count = try await server.request(.GET, "/api/alerts?status=active&_count=1000", token: nurse).json?["alerts"]?.arrayValue?.count ?? 0
            if count == alerted { break }
            alerted = count
        }
        let began = ContinuousClock.now
        let first = try await server.request(.GET, "/api/board", token: nurse)
        let firstMilliseconds = Self.microseconds(ContinuousClock.now - began) / 1000
        let ranked = first.json?["total"]?.int64Value.map(Int.init) ?? 0
        guard first.status == .ok, ranked == options.patients else {
            throw VigilError(.internal, "the board ranked \(ranked) of \(options.patients) patients: \(first.status)")
        }
        var timings: [Timing] = []
        for path in ["/api/board", "/api/board?_count=\(options.patients)"] {
            log("asking for \(path) \(options.requests) times…")
            var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
            var bytes = 0
            for _ in 0..<options.requests {
                let start = ContinuousClock.now
                let reply = try await server.request(.GET, path, token: nurse)
                let elapsed = ContinuousClock.now - start
                guard reply.status == .ok else { throw VigilError(.internal, "the board failed: \(reply.status)") }
                bytes = reply.text.utf8.count
                _ = histogram.record(UInt64(max(1, Self.microseconds(elapsed))))
            }
            timings.append(
                Timing(path: path, bytes: bytes, latency: (histogram.valueAtPercentile(50), histogram.valueAtPercentile(99), histogram.max)))
        }
        let everyone = try await server.request(.GET, "/api/board?_count=\(options.patients)", token: nurse).json?["patients"]?.arrayValue ?? []
        let withAlerts = everyone.filter { ($0["alerts"]?["open"]?.int64Value ?? 0) > 0 }.count
        return Report(options: options, ranked: ranked, alerted: withAlerts, first: firstMilliseconds, timings: timings)
    }

    private static func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
}
