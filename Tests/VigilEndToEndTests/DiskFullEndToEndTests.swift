import Foundation
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// The data directory on a 4 MiB tmpfs that fills up: ingest answers 503 with the reason, nothing
/// acknowledged is lost, and when space returns the server recovers by itself. Needs root (mount).
@Suite(
    .serialized, .timeLimit(.minutes(5)), .enabled(if: geteuid() == 0, "mounting a small filesystem needs root"),
    .disabled(if: ServerProcess.onPostgres, "it fills the SQLite store's volume"))
struct DiskFullEndToEndTests {
    static func mount(_ arguments: [String]) throws {
        let run = try ChildProcess.run("/usr/bin/env", arguments)
        guard run.status == 0 else { throw Failure("\(arguments.joined(separator: " ")) failed: \(run.output)") }
    }

    @Test func aFullDiskRefusesWith503LosesNothingAcknowledgedAndRecoversWhenSpaceReturns() async throws {
        let mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-full-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try Self.mount(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint])
        defer { try? Self.mount(["umount", "-l", mountPoint]) }

        let server = try ServerProcess(dataDirectory: mountPoint + "/data")
        try await server.start()
        let admin = try await server.token()
        let (_, device) = try await EndToEndTests.seed(server, admin: admin)
        var acknowledged = 0
        var refused: JSONClient.Reply?
        for batch in 0..<200 where refused == nil {
            let reply = try await server.request(
                .POST, "/api/ingest", token: device, json: EndToEndTests.readings(batch * 200 + 1...batch * 200 + 200))
            switch reply.status {
            case .ok: acknowledged += reply.json?["accepted"]?.int64Value.map(Int.init) ?? 0
            case .serviceUnavailable: refused = reply
            default: Issue.record("a full disk answered \(reply.status): \(reply.text)")
            }
        }
        let full = try #require(refused, "4 MiB never filled")
        #expect(full.json?["resourceType"] == "OperationOutcome" && full.text.contains("disk is full"), "\(full.text)")
        let health = try await server.request(.GET, "/health")
        #expect(health.status == .serviceUnavailable && health.json?["checks"]?["writes"]?.stringValue?.contains("full") == true, "\(health.text)")
        let signIn = try await server.request(.POST, "/auth/token", json: ["username": "admin", "password": .string(ServerProcess.adminPassword)])
        #expect(signIn.status == .ok || signIn.status == .serviceUnavailable, "never a 500: \(signIn.text)")

        try Self.mount(["mount", "-o", "remount,size=64m", mountPoint])
        let retried = try await server.request(
            .POST, "/api/ingest", token: device, json: EndToEndTests.readings(acknowledged + 1...acknowledged + 200))
        #expect(retried.status == .ok && retried.json?["accepted"] == 200, "\(retried.text)")
        let recovered = try await server.request(.GET, "/health")
        #expect(recovered.status == .ok, "\(recovered.text)")
        let keys = try await EndToEndTests.storedKeys(server, admin: try await server.token(), device: "monitor-1")
        #expect(keys.count == acknowledged + 200 && Set(keys).count == keys.count, "\(keys.count) stored, \(acknowledged) + 200 acknowledged")
        server.stop()
        #expect(try await server.cli(["audit", "verify"]).status == 0)
    }
}
