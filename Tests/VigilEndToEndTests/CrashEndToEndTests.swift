import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VigilCore
import VigilSimulator

/// `kill -9` while group commits mix every kind of change: device readings, FHIR resources,
/// alerts (the rules' and people's comments) and accounts.
@Suite(.serialized, .timeLimit(.minutes(5))) struct CrashEndToEndTests {
    @Test func killNineDuringMixedGroupCommitsLosesNothingAcknowledgedAndTheAuditChainHolds() async throws {
        let server = try ServerProcess()
        try await server.start()
        let site = try await ClinicalEndToEndTests.site(server)
        let (admin, doc, monitor) = (site.admin, try #require(site.tokens["doc"]), try #require(site.devices["monitor-a"]))
        // A1 becomes very ill: the rules raise an alert that the physician then comments on.
        try await ClinicalEndToEndTests.ingest(server, monitor, ClinicalEndToEndTests.vitals(1, rr: 30, spo2: 85, sbp: 85, hr: 140))
        var alert: Int64?
        for _ in 0..<100 where alert == nil {
            alert = try await server.request(.GET, "/api/alerts?patient=a1&status=active", token: doc).json?["alerts"]?[0]?["id"]?.int64Value
            if alert == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let alertID = try #require(alert, "the rules raised no alert")

        /// How many kinds of change have been acknowledged at least once: the kill waits for all four.
        actor Kinds {
            var seen: Set<String> = []
            func acknowledged(_ kind: String) { seen.insert(kind) }
        }
        let kinds = Kinds()

        /// What each worker had acknowledged when the server died.
        enum Acked: Sendable {
            case readings([Int])
            case patients([String])
            case users([String])
            case comments([String])
        }
        let acked = try await withThrowingTaskGroup(of: Acked.self) { group in
            group.addTask {
                var seqs: [Int] = []
                for batch in 0..<100_000 {
                    let seq = 1000 + batch * 5
                    let body = ClinicalEndToEndTests.vitals(seq, rr: 30 - Double(batch % 3), spo2: 86, sbp: 88, hr: 135)
                    guard (try? await server.request(.POST, "/api/ingest", token: monitor, json: body, timeout: .seconds(2)))?.status == .ok
                    else { break }
                    seqs += (seq..<seq + 5).map { $0 }
                    await kinds.acknowledged("readings")
                }
                return .readings(seqs)
            }
            group.addTask {
                var ids: [String] = []
                for n in 0..<100_000 {
                    let id = "crash-\(n)"
                    let reply = try? await server.request(
                        .PUT, "/fhir/Patient/\(id)", token: admin, json: ["resourceType": "Patient", "id": .string(id)], timeout: .seconds(2))
                    guard reply?.status == .created else { break }
                    ids.append(id)
                    await kinds.acknowledged("patients")
                }
                return .patients(ids)
            }
            group.addTask {
                var names: [String] = []
                for n in 0..<100_000 {
                    let name = "crash-user-\(n)"
                    let reply = try? await server.request(
                        .POST, "/api/users", token: admin,
                        json: ["username": .string(name), "password": "a-long-enough-password", "role": "researcher"], timeout: .seconds(2))
                    guard reply?.status == .created else { break }
                    names.append(name)
                    await kinds.acknowledged("users")
                }
                return .users(names)
            }
            group.addTask {
                var texts: [String] = []
                for n in 0..<100_000 {
                    let text = "note \(n)"
                    let reply = try? await server.request(
                        .POST, "/api/alerts/\(alertID)/comments", token: doc, json: ["text": .string(text)], timeout: .seconds(2))
                    guard reply?.status == .created else { break }
                    texts.append(text)
                    await kinds.acknowledged("comments")
                }
                return .comments(texts)
            }
            // Mid-load, once every kind has been acknowledged (on a loaded machine, and on
            // PostgreSQL, the first of a kind can take longer than a fixed pause).
            try await Task.sleep(for: .milliseconds(1500))
            for _ in 0..<300 where await kinds.seen.count < 4 { try await Task.sleep(for: .milliseconds(100)) }
            server.stop(SIGKILL)
            return try await group.reduce(into: [Acked]()) { $0.append($1) }
        }

        try await server.start()
        defer { server.stop() }
        let admin2 = try await server.token()
        let doc2 = try await server.token("doc", "password-of-doc")
        for outcome in acked {
            switch outcome {
            case .readings(let seqs):
                #expect(!seqs.isEmpty)
                let stored = try await EndToEndTests.storedKeys(server, admin: admin2, device: "monitor-a")
                #expect(stored.count == Set(stored).count, "a reading stored twice")
                let missing = Set(seqs.map { "monitor-a/0/\($0)" }).subtracting(stored)
                #expect(missing.isEmpty, "lost \(missing.count) acknowledged readings")
            case .patients(let ids):
                #expect(!ids.isEmpty)
                for id in ids { #expect(try await server.request(.GET, "/fhir/Patient/\(id)", token: admin2).status == .ok, "lost Patient/\(id)") }
            case .users(let names):
                #expect(!names.isEmpty)
                let listed = Set(
                    (try await server.request(.GET, "/api/users", token: admin2).json?["users"]?.arrayValue ?? []).compactMap {
                        $0["username"]?.stringValue
                    })
                #expect(Set(names).isSubset(of: listed), "lost \(Set(names).subtracting(listed).count) accounts")
            case .comments(let texts):
                #expect(!texts.isEmpty)
                let history = try await server.request(.GET, "/api/alerts/\(alertID)", token: doc2).json?["history"]?.arrayValue ?? []
                let stored = history.filter { $0["kind"] == "commented" }.compactMap { $0["detail"]?.stringValue }
                #expect(stored.count == Set(stored).count, "a comment stored twice")
                #expect(Set(texts).isSubset(of: Set(stored)), "lost \(Set(texts).subtracting(stored).count) comments")
            }
        }
        // The rules' alerts are whole: never two open alerts for one condition of a patient.
        let open = try await server.request(.GET, "/api/alerts?status=active,acknowledged", token: admin2).json?["alerts"]?.arrayValue ?? []
        let conditions = open.compactMap { alert in alert["condition"]?.stringValue.map { "\(alert["patient"]?.stringValue ?? "")|\($0)" } }
        #expect(conditions.count == Set(conditions).count)
        let verify = try await server.cli(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.output)")
    }
}
