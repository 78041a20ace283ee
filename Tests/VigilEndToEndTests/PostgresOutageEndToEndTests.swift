import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// PostgreSQL stopped and started again under load (issue 20): meanwhile the node answers 503 with
/// `Retry-After` and reports not ready; nothing it acknowledged is lost, nothing is stored twice;
/// it recovers by itself, and the audit chain verifies afterwards.
@Suite(.timeLimit(.minutes(5))) struct PostgresOutageEndToEndTests {
    /// What the device saw: the seqs acknowledged, and each answer's status.
    actor Device {
        var acknowledged: Set<Int64> = []
        var sent: Set<Int64> = []
        var statuses: [UInt: Int] = [:]
        var refusalsWithoutRetryAfter = 0
        var failedRequests = 0
        var stopping = false

        func answered(_ status: UInt, seqs: [Int64], retryAfter: Bool) {
            statuses[status, default: 0] += 1
            if status == 200 { acknowledged.formUnion(seqs) }
            if status == 503, !retryAfter { refusalsWithoutRetryAfter += 1 }
        }
        func send(_ seqs: [Int64]) { sent.formUnion(seqs) }
        func failed() { failedRequests += 1 }
        var summary: String { "statuses \(statuses), \(failedRequests) requests without an answer" }
        func stop() { stopping = true }
    }

    @Test func postgresRestartedUnderLoadAnswers503LosesNothingAcknowledgedAndRecovers() async throws {
        let postgres = try await Blocking.run { try LocalPostgres() }
        defer { postgres.stop() }
        let url = try await postgres.createDatabase()
        let server = try ServerProcess(arguments: ["--postgres", url])
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        try await server.put("Patient", "p1", [:], token: admin)
        try await server.put("Device", "d1", ["status": "active", "patient": ["reference": "Patient/p1"]], token: admin)
        let token = try #require(try await server.request(.POST, "/api/devices/d1/credentials", token: admin).json?["token"]?.stringValue)

        // A device sending ten readings a request, resending each batch until it is answered 200.
        let device = Device()
        let load = Task {
            var next: Int64 = 1
            while await !device.stopping {
                let seqs = Array(next..<(next + 10))
                await device.send(seqs)
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                let body: JSON = [
                    "readings": .array(
                        seqs.map {
                            [
                                "seq": .integer($0), "time": .string(FHIRDateTime.instant(milliseconds: now)), "code": "8867-4", "value": 72,
                                "unit": "/min",
                            ]
                        })
                ]
                while true {
                    if let reply = try? await server.request(.POST, "/api/ingest", token: token, json: body, timeout: .seconds(15)) {
                        await device.answered(reply.status.code, seqs: seqs, retryAfter: reply.headers.first(name: "Retry-After") != nil)
                        if reply.status == .ok { break }
                    } else {
                        await device.failed()
                    }
                    try? await Task.sleep(for: .milliseconds(200))
                }
                next += 10
            }
        }
        func acknowledged() async -> Int { await device.acknowledged.count }
        try await CommandEndToEndTests.until("the device is sending") { await acknowledged() >= 100 }

        try await postgres.pause()
        try await CommandEndToEndTests.until("the node reports not ready", within: .seconds(30)) {
            try await server.request(.GET, "/health/ready", timeout: .seconds(15)).status == .serviceUnavailable
        }
        do {
            try await CommandEndToEndTests.until("the device is refused with 503", within: .seconds(60)) {
                await device.statuses[503, default: 0] > 0
            }
        } catch {
            Issue.record("\(error): \(await device.summary)\n\(server.output.suffix(3000))")
            throw error
        }
        let before = await acknowledged()
        try await postgres.resume()

        try await CommandEndToEndTests.until("the node takes readings again by itself", within: .seconds(60)) { await acknowledged() >= before + 100 }
        try await CommandEndToEndTests.until("the node is ready again") {
            try await server.request(.GET, "/health/ready").status == .ok
        }
        await device.stop()
        await load.value

        let (acked, sent) = (await device.acknowledged, await device.sent)
        #expect(await device.refusalsWithoutRetryAfter == 0, "every 503 says when to retry")
        let stored = try await postgres.execute(
            "SELECT string_agg(seq::text, ',' ORDER BY seq) FROM reading", database: String(url.split(separator: "/").last!))
        let storedSeqs = stored.split(separator: ",").compactMap { Int64($0) }
        #expect(Set(storedSeqs).count == storedSeqs.count, "nothing stored twice")
        #expect(acked.isSubset(of: Set(storedSeqs)), "lost: \(acked.subtracting(storedSeqs).sorted().prefix(20))")
        #expect(Set(storedSeqs).isSubset(of: sent))
        #expect(server.stop() == 0)
        let verify = try await server.cli(["audit", "verify", "--postgres", url])
        #expect(verify.status == 0 && verify.output.contains("intact"), "\(verify.output)")
    }
}
