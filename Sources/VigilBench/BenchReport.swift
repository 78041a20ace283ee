import Foundation

/// What `vigil bench ingest` measured.
public struct BenchReport: Sendable {
    public var options: IngestBenchmark.Options
    public var sent: Int
    public var accepted: Int
    public var duplicates: Int
    public var rejected: Int
    /// Requests that failed (not 200, or no answer).
    public var errors: Int
    public var seconds: Double
    /// p50, p99 and max time to acknowledgement, in microseconds.
    public var latencyMicroseconds: (p50: UInt64, p99: UInt64, max: UInt64)
    /// The server's resident memory at the end and at its peak, in bytes.
    public var serverMemory: (current: Int, peak: Int)?
    /// Observations the server holds at the end: the readings and the scores derived from them.
    public var storedObservations: Int?
    /// The store's ceiling, readings per second.
    public var ceiling: Double?
    /// What the ceiling is, when not the SQLite store's own writes.
    public var ceilingKind: String?
    /// The same server's `GET /health/live`, requests per second over the same connections.
    public var trivialRate: Double?

    /// Acknowledged readings per second.
    public var rate: Double { Double(accepted + duplicates + rejected) / max(seconds, 1e-9) }
    /// Ingest requests answered per second.
    public var requestRate: Double { Double(sent / max(options.batchSize, 1) - errors) / max(seconds, 1e-9) }

    public var text: String {
        func ms(_ us: UInt64) -> String { String(format: "%.1f ms", Double(us) / 1000) }
        func mb(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_048_576) }
        var lines = [
            "Vigil ingest benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(mb(Int(ProcessInfo.processInfo.physicalMemory))) memory",
            "  load:        \(options.devices) devices, batches of \(options.batchSize), \(options.connections) connections"
                + (options.rate.map { ", \(Int($0)) readings/s offered" } ?? ", closed loop")
                + (options.target.server == nil ? ", server: vigil serve \(options.target.serveArguments.joined(separator: " "))" : "")
                + (options.target.nodes > 1 ? " × \(options.target.nodes) nodes behind HAProxy" : "")
                + (options.postgres == nil ? "" : ", store: PostgreSQL"),
            String(
                format: "  ingest:      %d readings acknowledged in %.2f s = %.0f readings/s (durable, answered after commit)",
                accepted + duplicates + rejected, seconds, rate),
            "  outcome:     \(accepted) stored, \(duplicates) duplicates, \(rejected) rejected, \(errors) failed requests",
            "  ack latency: p50 \(ms(latencyMicroseconds.p50)), p99 \(ms(latencyMicroseconds.p99)), max \(ms(latencyMicroseconds.max))",
        ]
        if let stored = storedObservations { lines.append("  stored:      \(stored) Observations in the server (readings and derived scores)") }
        if let memory = serverMemory { lines.append("  server RSS:  \(mb(memory.current)) now, \(mb(memory.peak)) peak") }
        if let trivialRate {
            lines.append(
                String(
                    format: "  requests:    %.0f ingest requests/s; GET /health/live %.0f requests/s (same connections, same run); ratio %.2f",
                    requestRate, trivialRate, requestRate / trivialRate))
        }
        if let ceiling {
            lines.append(
                String(
                    format: "  store ceiling: %.0f readings/s (same rows and schema, %d-row transactions, no HTTP", ceiling,
                    options.ceilingTransactionRows) + (ceilingKind.map { "; " + $0 } ?? "") + ")")
            lines.append(String(format: "  ratio:       %.2f of the store's ceiling", rate / ceiling))
        }
        return lines.joined(separator: "\n")
    }
}
