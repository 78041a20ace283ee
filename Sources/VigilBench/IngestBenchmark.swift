import Foundation
import VigilCore

/// `vigil bench ingest`: how fast Vigil stores readings over HTTP, durably, compared with what
/// the store itself can write.
///
/// 1. Starts `vigil serve` on a fresh data directory (or uses `--server`).
/// 2. Creates N patients and N devices, each device on its patient, each with a token.
/// 3. Sends readings in batches over K connections, as fast as they are acknowledged or at an
///    offered rate, measuring each batch's time to acknowledgement.
/// 4. Writes the same rows straight into a fresh store in 50,000-row transactions (the store's
///    ceiling), and prints both figures and their ratio.
public struct IngestBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        public var devices = 10_000
        public var batchSize = 1000
        /// Readings to send in all; ignored when `duration` is set.
        public var readings = 1_000_000
        /// Seconds to send for.
        public var duration: Double?
        /// Offered readings per second; nil sends as fast as acknowledgements allow.
        public var rate: Double?
        /// Rows per transaction when measuring the store's ceiling; 0 skips it.
        public var ceilingTransactionRows = 50_000
        /// Seconds to ask the server's trivial route over the same connections after the load; 0 skips it.
        public var trivialSeconds = 5.0
        public var progress = true

        public init() {}

        public var connections: Int {
            get { target.connections }
            set { target.connections = newValue }
        }
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    /// Runs the benchmark and returns its report.
    public func run(log: @escaping @Sendable (String) -> Void) async throws -> BenchReport {
        let server = try await BenchServer.attachOrStart(options.target, log: log)
        var report: BenchReport
        do {
            defer { server.stop() }
            let fleet = try await BenchFleet.create(on: server, devices: options.devices, log: log)
            report = try await LoadGenerator(server: server, fleet: fleet, options: options, log: log).run()
            if options.trivialSeconds > 0 {
                log("asking GET /health/live over the same \(options.connections) connections for \(options.trivialSeconds) s…")
                report.trivialRate = await TrivialRoute.measure(server, connections: options.connections, seconds: options.trivialSeconds)
            }
            report.serverMemory = server.memory()
            report.storedObservations = try await server.countObservations(token: fleet.adminToken)
        }
        // The server (when started here) has stopped: the ceiling has the machine to itself.
        if options.ceilingTransactionRows > 0 {
            log("measuring the store's ceiling: \(report.sent) readings in \(options.ceilingTransactionRows)-row transactions…")
            report.ceiling = try await StoreCeiling.measure(
                devices: options.devices, readings: report.sent, transactionRows: options.ceilingTransactionRows, batchSize: options.batchSize
            )
        }
        return report
    }
}
