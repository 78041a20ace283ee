import Foundation
import Histogram
import NIOHTTP1
import Synchronization
import VigilCore
import VigilSimulator

/// Sends batches of readings over K concurrent connections and measures each batch's time to
/// acknowledgement (from when it was due, in rate mode, so a stalled server is not hidden).
struct LoadGenerator: Sendable {
    let server: BenchServer
    let fleet: BenchFleet
    let options: IngestBenchmark.Options
    let log: @Sendable (String) -> Void

    private struct Tally {
        var accepted = 0, duplicates = 0, rejected = 0, errors = 0, sent = 0
        var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// State the workers share: the next batch to send, and what came back.
    private final class Shared: Sendable {
        let next = Atomic<Int>(0)
        let tally = Mutex(Tally())
    }

    func run() async throws -> BenchReport {
        let batchSize = options.batchSize
        let totalBatches = options.duration == nil ? (options.readings + batchSize - 1) / batchSize : Int.max
        let shared = Shared()
        let start = ContinuousClock.now
        let deadline = options.duration.map { start + .milliseconds(Int64($0 * 1000)) }
        let interval = options.rate.map { Duration.nanoseconds(Int64(Double(batchSize) / $0 * 1e9)) }
        log(
            "sending \(options.duration.map { "for \($0) s" } ?? "\(totalBatches * batchSize) readings") in batches of \(batchSize) over \(options.connections) connections"
                + (options.rate.map { " at \(Int($0)) readings/s offered" } ?? ", as fast as acknowledged"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await progress(shared, start: start) }
            var workers: [Task<Void, any Error>] = []
            for _ in 0..<options.connections {
                workers.append(
                    Task {
                        while true {
                            let batch = shared.next.wrappingAdd(1, ordering: .relaxed).oldValue
                            guard batch < totalBatches else { return }
                            var due = ContinuousClock.now
                            if let interval {
                                due = start + interval * batch
                                if due > ContinuousClock.now { try await Task.sleep(until: due) }
                            }
                            if let deadline, ContinuousClock.now >= deadline { return }
                            let device = batch % fleet.deviceTokens.count
                            let firstSeq = (batch / fleet.deviceTokens.count) * batchSize
                            let body = Self.body(firstSeq: firstSeq, count: batchSize, phase: device)
                            let reply = try? await server.request(.POST, "/api/ingest", token: fleet.deviceTokens[device], body: body)
                            let elapsed = ContinuousClock.now - due
                            shared.tally.withLock { t in
                                t.sent += batchSize
                                _ = t.latency.record(
                                    max(1, elapsed.microseconds))
                                if let reply, reply.status == .ok, let json = reply.json {
                                    t.accepted += Int(json["accepted"]?.int64Value ?? 0)
                                    t.duplicates += Int(json["duplicates"]?.int64Value ?? 0)
                                    t.rejected += json["rejected"]?.arrayValue?.count ?? 0
                                } else {
                                    t.errors += 1
                                }
                            }
                        }
                    })
            }
            for worker in workers { try await worker.value }
            group.cancelAll()
        }
        let elapsed = ContinuousClock.now - start
        return shared.tally.withLock { t in
            BenchReport(
                options: options, sent: t.sent, accepted: t.accepted, duplicates: t.duplicates, rejected: t.rejected, errors: t.errors,
                seconds: elapsed.seconds,
                latencyMicroseconds: (t.latency.valueAtPercentile(50), t.latency.valueAtPercentile(99), t.latency.max)
            )
        }
    }

    /// `{"readings":[…]}`: `count` vital signs of one device (``BenchVitals``), one a second up to now.
    static func body(firstSeq: Int, count: Int, phase: Int = 0) -> [UInt8] {
        let now = Int64(Date().timeIntervalSince1970) * 1000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 80 + 16)
        bytes.append(contentsOf: #"{"readings":["#.utf8)
        for i in 0..<count {
            let seq = firstSeq + i
            let vital = BenchVitals.reading(seq, phase: phase)
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: #"{"seq":"#.utf8)
            bytes.append(contentsOf: String(seq).utf8)
            bytes.append(contentsOf: #","time":""#.utf8)
            FHIRDateTime.appendInstant(milliseconds: now - Int64(count - i) * 1000, to: &bytes)
            bytes.append(contentsOf: #"","code":""#.utf8)
            bytes.append(contentsOf: vital.code.utf8)
            bytes.append(contentsOf: #"","value":"#.utf8)
            bytes.append(contentsOf: String(vital.value).utf8)
            bytes.append(contentsOf: #","unit":""#.utf8)
            bytes.append(contentsOf: vital.unit.utf8)
            bytes.append(contentsOf: #""}"#.utf8)
        }
        bytes.append(contentsOf: "]}".utf8)
        return bytes
    }

    private func progress(_ shared: Shared, start: ContinuousClock.Instant) async {
        guard options.progress else { return }
        var last = (time: start, acknowledged: 0)
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            let (acknowledged, errors) = shared.tally.withLock { ($0.accepted + $0.duplicates + $0.rejected, $0.errors) }
            let now = ContinuousClock.now
            let seconds = (now - last.time).seconds
            let rate = Double(acknowledged - last.acknowledged) / max(seconds, 0.001)
            let elapsed = (now - start).components.seconds
            log("  \(elapsed) s: \(acknowledged) readings acknowledged, \(Int(rate)) readings/s now, \(errors) errors")
            last = (now, acknowledged)
        }
    }
}
