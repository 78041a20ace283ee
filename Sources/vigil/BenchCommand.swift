import ArgumentParser
import Foundation
import VigilBench

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Vigil on this machine (run a release build: swift run -c release vigil bench …).",
        subcommands: [Ingest.self]
    )

    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Durable ingest over HTTP, beside the store's own ceiling measured in the same run.",
            discussion: """
                Starts `vigil serve` on a fresh data directory (unless --server is given), creates the devices and
                their patients through the API, sends readings in batches over several connections, and prints
                readings/s, time to acknowledgement (p50/p99/max), duplicates, errors and the server's memory. Then it
                writes the same rows straight into a fresh store in 50,000-row transactions and prints the ratio.
                """
        )

        @Option(help: "Devices (each on its own patient, with its own token).") var devices = 10_000
        @Option(help: "Readings per request.") var batch = 1000
        @Option(help: "Concurrent connections.") var connections = 64
        @Option(help: "Readings to send in all.") var readings = 1_000_000
        @Option(help: "Send for this many seconds instead of a count.") var duration: Double?
        @Option(help: "Offered load in readings/s (default: as fast as acknowledgements come).") var rate: Double?
        @Option(name: .customLong("ceiling-rows"), help: "Rows per transaction for the store's ceiling; 0 skips it.") var ceilingRows = 50_000
        @Option(help: "Load an existing server at this URL instead of starting one.") var server: String?
        @Option(name: .customLong("admin-password"), help: "The admin password of --server.") var adminPassword: String?
        @Option(name: .customLong("server-pid"), help: "The process id of --server, to report its memory.") var serverPID: Int32?
        @Option(help: "Data directory for the started server (default: a new temporary directory).") var data: String?
        @Flag(name: .customLong("no-progress"), help: "Do not print progress every second.") var noProgress = false

        func run() async throws {
            var options = IngestBenchmark.Options()
            options.devices = devices
            options.batchSize = batch
            options.connections = connections
            options.readings = readings
            options.duration = duration
            options.rate = rate
            options.ceilingTransactionRows = ceilingRows
            options.server = server
            options.adminPassword = adminPassword
            options.serverPID = serverPID
            options.dataDirectory = data
            options.progress = !noProgress
            guard devices > 0, batch > 0, connections > 0 else { throw ValidationError("devices, batch and connections must be positive") }
            let report = try await IngestBenchmark(options: options).run { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
        }
    }
}
