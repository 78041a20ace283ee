import Foundation
import Histogram
import NIOHTTP1
import VigilCore
import VigilSimulator

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
        /// Seconds of load before the measurement: every background patient is seen (and its
        /// rule state built) for the first time then. Nil: long enough for every device to send
        /// twice.
        public var warmup: Double?
        /// Seconds measured after the warm-up.
        public var duration: Double = 30
        public var progress = true
        public init() { target.connections = 32 }

        /// The warm-up in seconds.
        public var warmupSeconds: Double { warmup ?? 2 * Double(devices * batchSize) / rate }
    }

    /// Latency figures of one phase, in microseconds.
    public struct Phase: Sendable {
        public var samples = 0
        public var timeouts = 0
        /// Sent → alert event; the part until the probe's reading was acknowledged (stored); the
        /// part after.
        var total = Self.histogram(), acknowledged = Self.histogram(), afterAck = Self.histogram()

        static func histogram() -> Histogram<UInt64> { Histogram(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three) }

        mutating func record(sent: Double, stored: Double, event: Double) {
            func us(_ ms: Double) -> UInt64 { UInt64(max(1, ms * 1000)) }
            _ = total.record(us(event - sent))
            _ = acknowledged.record(us(stored - sent))
            _ = afterAck.record(us(event - stored))
            samples += 1
        }

        func lines(_ title: String) -> [String] {
            func figures(_ histogram: Histogram<UInt64>) -> String {
                func ms(_ us: UInt64) -> String { String(format: "%.1f ms", Double(us) / 1000) }
                return "p50 \(ms(histogram.valueAtPercentile(50))), p99 \(ms(histogram.valueAtPercentile(99))), max \(ms(histogram.max))"
            }
            return [
                "  \(title): \(samples) alert transitions, \(timeouts) timeouts (no event within 5 s)",
                "    sent → alert on the nurse's WebSocket: \(figures(total))",
                "      of which sent → stored (ack):       \(figures(acknowledged))",
                "      and stored → alert event:           \(figures(afterAck))",
            ]
        }
    }

    public struct Report: Sendable {
        public var options: Options
        public var background: BenchReport
        public var warmup: Phase
        public var measured: Phase
        public var gaps: Int

        public var text: String {
            ([
                "Vigil alert latency benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores",
                String(
                    format: "  background:  %.0f readings/s achieved (%.0f offered) from %d devices, batches of %d, rules on",
                    background.rate, options.rate, options.devices, options.batchSize),
                "  probes:      \(options.probes) ward patients, one probe reading every \(options.probeInterval)",
            ] + warmup.lines(String(format: "warm-up (first %.0f s, every patient's state built)", options.warmupSeconds))
                + measured.lines(String(format: "measured (next %.0f s)", options.duration))
                + ["  gaps reported by the stream: \(gaps)"]).joined(separator: "\n")
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
        load.duration = options.warmupSeconds + options.duration
        load.progress = options.progress
        log(
            "probing every \(options.probeInterval) while the fleet sends \(Int(options.rate)) readings/s: \(options.warmupSeconds) s warm-up, \(options.duration) s measured"
        )
        async let background = LoadGenerator(server: server, fleet: fleet, options: load, log: log).run()
        var probe = Probe(server: server, ward: ward, stream: stream, interval: options.probeInterval)
        let warmup = try await probe.run(for: options.warmupSeconds)
        let measured = try await probe.run(for: options.duration)
        let report = try await background
        let gaps = stream.messages.filter { $0.json["type"] == "gap" }.count
        return Report(options: options, background: report, warmup: warmup, measured: measured, gaps: gaps)
    }

    /// Sends the probe readings one at a time, each alternately low and normal for its patient,
    /// and times the alert event each one causes.
    private struct Probe {
        let server: BenchServer
        let ward: BenchFleet
        let stream: StreamClient
        let interval: Duration
        var low: [Bool]
        var seq = 0

        init(server: BenchServer, ward: BenchFleet, stream: StreamClient, interval: Duration) {
            (self.server, self.ward, self.stream, self.interval) = (server, ward, stream, interval)
            low = [Bool](repeating: false, count: ward.patientIDs.count)
        }

        mutating func run(for seconds: Double) async throws -> Phase {
            var phase = Phase()
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                let next = ContinuousClock.now + interval
                let probe = seq % low.count
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
                let stored = Date().timeIntervalSince1970 * 1000
                guard reply.status == .ok else { throw VigilError(.internal, "the probe reading was refused: \(reply.status) \(reply.text)") }
                let patient = "Patient/\(ward.patientIDs[probe])", transition = low[probe] ? "raised" : "resolved"
                let event = await stream.next(after: mark, timeout: .seconds(5)) {
                    $0["type"] == "alert" && $0["patient"]?.stringValue == patient && $0["data"]?["transition"]?.stringValue == transition
                }
                if let event {
                    phase.record(sent: sent, stored: stored, event: event.received)
                } else {
                    phase.timeouts += 1
                }
                try await Task.sleep(until: next)
            }
            return phase
        }
    }
}
