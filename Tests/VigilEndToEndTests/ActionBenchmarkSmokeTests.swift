import Foundation
import Testing
import VigilBench

/// A short run of `vigil bench notifications`, `vigil bench commands` and `vigil bench ingest
/// --postgres local` (docs/benchmarks.md): each starts its own server, receivers, broker or
/// database, and must account for every notification, command and reading it caused. The figures themselves come from release builds run on purpose.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ActionBenchmarkSmokeTests {
    /// Runs `vigil ARGUMENTS` with a temporary directory of its own (removed after), so that the
    /// benchmark's servers, brokers and logs leave nothing behind.
    static func bench(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-smoke-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = directory
        return try await Blocking.run { [environment] in try ChildProcess.run(ServerProcess.binary, arguments, environment: environment) }
    }

    @Test func theCommandBenchmarkAccountsForEveryCommand() async throws {
        let (status, output) = try await Self.bench(["bench", "commands", "--devices", "2", "--rate", "5", "--duration", "2"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("10 measure-now commands at 5/s for 2 s; 0 not accepted"), "\(output)")
        #expect(output.contains("requested → accepted") && !output.contains("no samples"), "\(output)")
    }

    @Test func theNotificationBenchmarkAccountsForEveryMessage() async throws {
        let (status, output) = try await Self.bench([
            "bench", "notifications", "--probes", "16", "--rate", "10", "--duration", "2", "--backlog", "32", "--outage", "1",
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 not delivered") && !output.contains("no samples"), "\(output)")
        #expect(output.contains("20 notifications/s accepted"), "each transition a webhook call and an e-mail: \(output)")
    }

    @Test func theIngestBenchmarkOnPostgreSQLComparesWithPostgreSQLsOwnCeiling() async throws {
        let (status, output) = try await Self.bench([
            "bench", "ingest", "--postgres", "local", "--devices", "10", "--batch", "100", "--connections", "4", "--readings", "2000",
            "--trivial-seconds", "0", "--no-progress",
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("2000 stored, 0 duplicates, 0 rejected, 0 failed requests") && output.contains("store: PostgreSQL"), "\(output)")
        #expect(output.contains("PostgreSQL's own") && output.contains("of the store's ceiling"), "\(output)")
    }

    @Test func theIngestBenchmarkRunsTwoNodesBehindHAProxy() async throws {
        let (status, output) = try await Self.bench([
            "bench", "ingest", "--postgres", "local", "--nodes", "2", "--devices", "10", "--batch", "100", "--connections", "4", "--readings",
            "2000", "--trivial-seconds", "0", "--ceiling-rows", "0", "--no-progress",
        ])
        #expect(status == 0, "\(output)")
        #expect(
            output.contains("2000 stored, 0 duplicates, 0 rejected, 0 failed requests") && output.contains("× 2 nodes behind HAProxy"), "\(output)")
    }

    @Test func theNodesBenchmarkTimesPropagationAndTakeover() async throws {
        let (status, output) = try await Self.bench(["bench", "nodes", "--samples", "20"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("(20 samples, 0 timeouts)"), "\(output)")
        #expect(output.contains("alert raised by node 2 on its WebSocket: ") && !output.contains("none within"), "\(output)")
    }
}
