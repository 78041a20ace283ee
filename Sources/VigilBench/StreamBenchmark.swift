import Foundation
import Histogram
import NIOHTTP1
import VigilCore

/// `vigil bench stream`: how soon an alert reaches a dashboard. While a fleet sends readings at a
/// steady rate, probe devices of a ward send one systolic pressure at a time, alternately below
/// the 90 mmHg limit (the alert is raised at once) and back to normal (it resolves); the time from
/// sending that reading to the alert event arriving on the ward nurse's `/api/stream` is measured.
/// It includes the HTTP request, the durable group commit, the rules, storing and auditing the
/// alert, and the WebSocket.
public struct StreamBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        /// Background devices and the readings per second they send.
        public var devices = 1000
        public var rate: Double = 10_000
        public var batchSize = 100
        /// Probe patients on the ward, and how often a probe reading is sent.
        public var probes = 20
        public var probeInterval: Duration = .milliseconds(50)
        public var duration: Double = 30
        public var progress = true
        public init() { target.connections = 32 }
    }

    public struct Report: Sendable {
        public var options: Options
        public var background: BenchReport
        public var samples: Int
        public var timeouts: Int
        /// p50, p99, max in microseconds.
        public var latency: (p50: UInt64, p99: UInt64, max: UInt64)
        public var gaps: Int

        public var text: String {
            func ms(_ us: UInt64) -> String { String(format: "%.1f ms", Double(us) / 1000) }
            return [
                "Vigil alert latency benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores",
                String(
                    format: "  background:  %.0f readings/s achieved (%.0f offered) from %d devices, batches of %d, rules on", background.rate,
                    options.rate, options.devices, options.batchSize),
                "  probes:      \(samples) alert transitions on \(options.probes) ward patients, one every \(options.probeInterval)",
                "  committed reading → alert on the nurse's WebSocket: p50 \(ms(latency.p50)), p99 \(ms(latency.p99)), max \(ms(latency.max))",
                "  timeouts:    \(timeouts) (no event within 5 s); gaps reported by the stream: \(gaps)",
            ].joined(separator: "\n")
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        let server = try await BenchServer.attachOrStart(options.target, log: log)
        defer { server.stop() }
        let fleet = try await BenchFleet.create(on: server, devices: options.devices, log: log)
        let ward = try await BenchFleet.create(on: server, devices: options.probes, prefix: "ward", log: log)
        let nurse = try await BenchWard.create(on: server, admin: fleet.adminToken, patients: ward.patientIDs)
        let stream = StreamClient.connect(url: server.webSocketURL + "/api/stream", first: StreamClient.authMessage(token: nurse))
        defer { Task { await stream.close() } }
        guard await stream.next(where: { $0["type"] == "ready" }) != nil else { throw VigilError(.unavailable, "the stream did not open") }
        var load = IngestBenchmark.Options()
        load.target = options.target
        load.devices = options.devices
        load.batchSize = options.batchSize
        load.rate = options.rate
        load.duration = options.duration
        load.progress = options.progress
        log("probing every \(options.probeInterval) while the fleet sends \(Int(options.rate)) readings/s for \(options.duration) s")
        async let background = LoadGenerator(server: server, fleet: fleet, options: load, log: log).run()
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var timeouts = 0, samples = 0
        let deadline = ContinuousClock.now + .seconds(options.duration)
        var low = [Bool](repeating: false, count: options.probes)
        var seq = 0
        while ContinuousClock.now < deadline {
            let next = ContinuousClock.now + options.probeInterval
            let probe = seq % options.probes
            seq += 1
            low[probe].toggle()
            let mark = stream.messages.count
            let sent = Date().timeIntervalSince1970 * 1000
            let reading: JSON = [
                "seq": .integer(seq), "time": .string(FHIRDateTime.instant(milliseconds: Int64(sent))), "code": "8480-6",
                "value": .double(low[probe] ? 85 : 120), "unit": "mm[Hg]",
            ]
            let reply = try await server.request(
                .POST, "/api/ingest", token: ward.deviceTokens[probe], body: JSON.object(["readings": [reading]]).serialized())
            guard reply.status == .ok else { throw VigilError(.internal, "the probe reading was refused: \(reply.status) \(reply.text)") }
            let patient = "Patient/\(ward.patientIDs[probe])", transition = low[probe] ? "raised" : "resolved"
            let event = await stream.next(after: mark, timeout: .seconds(5)) {
                $0["type"] == "alert" && $0["patient"]?.stringValue == patient && $0["data"]?["transition"]?.stringValue == transition
            }
            if let event {
                _ = histogram.record(UInt64(max(1, (event.received - sent) * 1000)))
                samples += 1
            } else {
                timeouts += 1
            }
            try await Task.sleep(until: next)
        }
        let report = try await background
        let gaps = stream.messages.filter { $0.json["type"] == "gap" }.count
        return Report(
            options: options, background: report, samples: samples, timeouts: timeouts,
            latency: (histogram.valueAtPercentile(50), histogram.valueAtPercentile(99), histogram.max), gaps: gaps)
    }
}
