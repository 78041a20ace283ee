import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// The real `vigil serve` process, driven over HTTP as a newcomer would (README quickstart).
@Suite(.serialized, .timeLimit(.minutes(5))) struct EndToEndTests {
    /// Creates a patient and a device on it, and returns the device's token.
    static func seed(_ server: ServerProcess, admin: String, device: String = "monitor-1") async throws -> (patient: String, token: String) {
        let patient = try await server.request(
            .POST, "/fhir/Patient", token: admin, json: ["resourceType": "Patient", "name": [["family": "Quick", "given": ["Start"]]]])
        #expect(patient.status == .created, "\(patient.text)")
        let patientID = try #require(patient.json?["id"]?.stringValue)
        let since = FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000)
        let deviceReply = try await server.request(
            .PUT, "/fhir/Device/\(device)", token: admin,
            json: [
                "resourceType": "Device", "id": .string(device), "status": "active",
                "patient": [
                    "reference": .string("Patient/\(patientID)"),
                    "extension": [["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": .string(since)]],
                ],
            ])
        #expect(deviceReply.status == .created, "\(deviceReply.text)")
        let credential = try await server.request(.POST, "/api/devices/\(device)/credentials", token: admin)
        return (patientID, try #require(credential.json?["token"]?.stringValue))
    }

    static func readings(_ seqs: ClosedRange<Int>, value: Double = 72, boot: String = "b1") -> JSON {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return [
            "readings": .array(
                seqs.map { seq in
                    [
                        "seq": .integer(seq), "boot": .string(boot),
                        "time": .string(FHIRDateTime.instant(milliseconds: now - Int64(seqs.upperBound - seq) * 10)),
                        "code": "8867-4", "value": .double(value), "unit": "/min",
                    ]
                })
        ]
    }

    /// Every producer key stored for `device`, read back through FHIR search, with repeats.
    static func storedKeys(_ server: ServerProcess, admin: String, device: String) async throws -> [String] {
        var keys: [String] = []
        var offset = 0
        while true {
            let page = try await server.request(
                .GET, "/fhir/Observation?device=Device/\(device)&_count=1000&_offset=\(offset)&_sort=_id", token: admin)
            let entries = page.json?["entry"]?.arrayValue ?? []
            keys += entries.compactMap { $0["resource"]?["identifier"]?[0]?["value"]?.stringValue }
            if entries.count < 1000 { return keys }
            offset += 1000
        }
    }

    @Test func quickstartFromTokenToStoredReadingToSearch() async throws {
        let server = try ServerProcess()
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        let (patient, device) = try await Self.seed(server, admin: admin)
        let first = try await server.request(.POST, "/api/ingest", token: device, json: Self.readings(1...3))
        #expect(first.status == .ok && first.json == ["accepted": 3, "duplicates": 0, "rejected": []])
        let again = try await server.request(.POST, "/api/ingest", token: device, json: Self.readings(1...3))
        #expect(again.json == ["accepted": 0, "duplicates": 3, "rejected": []])
        let bad = try await server.request(.POST, "/api/ingest", token: device, json: Self.readings(4...4, value: 1000))
        #expect(bad.json?["rejected"]?[0]?["reason"]?.stringValue?.contains("plausible range") == true)
        let search = try await server.request(.GET, "/fhir/Observation?patient=\(patient)&code=http://loinc.org%7C8867-4", token: admin)
        #expect(search.json?["entry"]?.arrayValue?.count == 3)
        #expect(search.json?["link"]?[0]?["url"]?.stringValue?.hasPrefix(server.baseURL) == true)
        let quarantine = try await server.request(.GET, "/api/quarantine", token: admin)
        #expect(quarantine.json?["quarantine"]?.arrayValue?.count == 1)
        let noToken = try await server.request(.GET, "/fhir/Patient", token: nil)
        #expect(noToken.status == .unauthorized)
        server.stop()
        let verify = try await server.cli(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("intact"))
        #expect(!server.output.contains(device) && !server.output.contains(admin), "a token reached the log")
    }

    @Test func gracefulShutdownCommitsAndAnswersWhatItAccepted() async throws {
        let server = try ServerProcess()
        try await server.start()
        let admin = try await server.token()
        let (_, device) = try await Self.seed(server, admin: admin)
        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var acked: [String] = []
                    for batch in 0..<1000 {
                        let start = worker * 1_000_000 + batch * 100 + 1
                        guard
                            let reply = try? await server.request(
                                .POST, "/api/ingest", token: device, json: Self.readings(start...(start + 99)), timeout: .seconds(2)),
                            reply.status == .ok
                        else { break }
                        acked += (start...(start + 99)).map { "monitor-1/b1/\($0)" }
                    }
                    return acked
                }
            }
            try await Task.sleep(for: .milliseconds(1000))
            // Waiting for the server off the cooperative pool: blocking one of its two threads
            // here starved the workers mid-request when another test blocked the other.
            let status = try await Blocking.run { server.stop(SIGTERM) }
            #expect(status == 0, "\(server.output)")
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(acknowledged.count > 0)
        try await server.start()
        defer { server.stop() }
        let stored = try await Self.storedKeys(server, admin: try await server.token(), device: "monitor-1")
        #expect(Set(acknowledged).isSubset(of: Set(stored)))
        #expect(stored.count == Set(stored).count)
    }

    @Test func killNineLosesNothingAcknowledgedAndResendsCreateNoDuplicates() async throws {
        let server = try ServerProcess()
        try await server.start()
        let admin = try await server.token()
        let (_, device) = try await Self.seed(server, admin: admin)
        typealias Outcome = (acked: [ClosedRange<Int>], unacked: [ClosedRange<Int>])
        let outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var outcome: Outcome = ([], [])
                    for batch in 0..<1000 {
                        let start = worker * 1_000_000 + batch * 100 + 1
                        let range = start...(start + 99)
                        let reply = try? await server.request(.POST, "/api/ingest", token: device, json: Self.readings(range), timeout: .seconds(2))
                        if reply?.status == .ok { outcome.acked.append(range) } else { outcome.unacked.append(range); break }
                    }
                    return outcome
                }
            }
            try await Task.sleep(for: .milliseconds(1000))
            server.stop(SIGKILL)
            return try await group.reduce(into: Outcome([], [])) {
                $0.acked += $1.acked; $0.unacked += $1.unacked
            }
        }
        let key = { (seq: Int) in "monitor-1/b1/\(seq)" }
        let acked = Set(outcome.acked.flatMap { $0.map(key) })
        let sent = acked.union(outcome.unacked.flatMap { $0.map(key) })
        #expect(!acked.isEmpty && !outcome.unacked.isEmpty)
        try await server.start()
        defer { server.stop() }
        let admin2 = try await server.token()
        let afterCrash = try await Self.storedKeys(server, admin: admin2, device: "monitor-1")
        #expect(acked.subtracting(afterCrash).isEmpty, "lost: \(acked.subtracting(afterCrash).count)")
        #expect(afterCrash.count == Set(afterCrash).count, "stored twice")
        #expect(Set(afterCrash).isSubset(of: sent), "phantom readings")
        for range in outcome.unacked {
            let reply = try await server.request(.POST, "/api/ingest", token: device, json: Self.readings(range))
            #expect(reply.status == .ok)
            #expect((reply.json?["accepted"]?.int64Value ?? 0) + (reply.json?["duplicates"]?.int64Value ?? 0) == 100)
        }
        let afterResend = try await Self.storedKeys(server, admin: admin2, device: "monitor-1")
        #expect(Set(afterResend) == sent)
        #expect(afterResend.count == sent.count)
    }

    @Test func aSecondStartSaysTheAdminPasswordIsUnusedAndResetPasswordRecovers() async throws {
        let server = try ServerProcess()
        try await server.start()
        server.stop()
        // The second start of the README, with another password: said, not silently ignored.
        let again = try ServerProcess(dataDirectory: server.dataDirectory, environment: ["VIGIL_ADMIN_PASSWORD": "another-password-here"])
        try await again.start()
        #expect(again.output.contains("VIGIL_ADMIN_PASSWORD is set but not used"), "\(again.output)")
        // Run as root (as in CI), it says to run as a user of its own.
        #expect(again.output.contains("running as root") == (geteuid() == 0), "\(again.output)")
        again.stop()
        let reset = try await server.cli(["users", "reset-password", "admin", "--password-stdin"], stdin: "a-password-set-locally\n")
        #expect(reset.status == 0 && reset.output.contains("admin"), "\(reset.output)")
        try await server.start()
        defer { server.stop() }
        #expect(try await server.request(.POST, "/auth/token", json: ["username": "admin", "password": "a-password-set-locally"]).status == .ok)
    }

    @Test func commandsOtherThanServeRefuseADataFolderThatDoesNotExist() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-none-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: missing) }
        let server = try ServerProcess(dataDirectory: missing)
        for command in [["users", "list"], ["users", "disable", "x"], ["audit", "verify"], ["backup", "--out", missing + ".backup"]] {
            let run = try await server.cli(command)
            #expect(run.status != 0 && run.output.contains(missing), "\(command): \(run.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: missing), "a folder was created")
        let version = try await server.cli(["--version"])
        #expect(version.status == 0 && version.output.hasPrefix("0."), "\(version.output)")
    }

    @Test func theCommandLineManagesAccountsAndExplainsItself() async throws {
        let server = try ServerProcess()
        try await server.start()
        server.stop()
        let add = try await server.cli(["users", "add", "nadia", "--role", "admin", "--password-stdin"], stdin: "a-long-password-for-nadia\n")
        #expect(add.status == 0, "\(add.output)")
        let list = try await server.cli(["users", "list"])
        #expect(list.output.contains("nadia") && list.output.contains("admin"))
        let noTeam = try await server.cli(["users", "add", "nick", "--role", "nurse", "--password-stdin"], stdin: "a-long-password-for-nick\n")
        #expect(noTeam.status != 0 && noTeam.output.contains("fhirUser"))
        #expect(try await server.cli(["users", "disable", "nadia"]).status == 0)
        #expect(try await server.cli(["users", "list"]).output.contains("disabled"))
        try await server.start()
        defer { server.stop() }
        let signIn = try await server.request(.POST, "/auth/token", json: ["username": "nadia", "password": "a-long-password-for-nadia"])
        #expect(signIn.status == .unauthorized)
        for command in [
            ["--help"], ["serve", "--help"], ["users", "--help"], ["users", "add", "--help"], ["audit", "verify", "--help"],
            ["bench", "ingest", "--help"],
        ] {
            let help = try await server.cli(command)
            #expect(help.status == 0 && help.output.contains("USAGE"), "\(command): \(help.output)")
        }
        let brokerHelp = try await server.cli(["broker-config", "--help"]).output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(brokerHelp.components(separatedBy: "(default: 127.0.0.1:1883)").count == 2, "the default once: \(brokerHelp)")
        // A database that cannot be reached is said so, its password not repeated.
        let postgres = try await server.cli(["serve", "--postgres", "postgres://vigil:database-secret@127.0.0.1:1/vigil?sslmode=disable"])
        #expect(postgres.status != 0 && postgres.output.contains("127.0.0.1:1") && !postgres.output.contains("database-secret"), "\(postgres.output)")
        // Deny by default: an MLLP listener with nobody allowed to send is refused at start.
        let mllp = try await server.cli(["serve", "--mllp", "127.0.0.1:0"])
        #expect(mllp.status != 0 && mllp.output.contains("--mllp-senders"))
        #expect(!mllp.output.contains("vigil <subcommand>"), "no usage of the wrong command: \(mllp.output)")
        let mqtt = try await server.cli(["serve", "--mqtt", "http://user:secret@localhost:1883"])
        #expect(mqtt.status != 0 && mqtt.output.contains("mqtt://") && !mqtt.output.contains("secret"))
    }
}
