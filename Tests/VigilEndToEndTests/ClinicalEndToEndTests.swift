import Foundation
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// The clinical rules on a running `vigil serve`: readings over HTTP in, alerts out on the
/// WebSocket stream of the right people, escalation by the clock, and the same answer after a crash.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ClinicalEndToEndTests {
    /// Two wards and a school: adult a1 on ward A (nurse nina, physician doc), adult b1 on ward B
    /// (nurse nora), child c1 (school nurse sally). Devices: monitor-a on a1, monitor-b on b1, cgm-c on c1.
    struct Site {
        let admin: String
        let tokens: [String: String]
        let devices: [String: String]
        subscript(_ name: String) -> String { tokens[name]! }
    }

    static func site(_ server: ServerProcess) async throws -> Site {
        let admin = try await server.token()
        func put(_ type: String, _ id: String, _ resource: JSONObject) async throws {
            var body = resource
            body["resourceType"] = .string(type)
            body["id"] = .string(id)
            let reply = try await server.request(.PUT, "/fhir/\(type)/\(id)", token: admin, json: .object(body))
            #expect(reply.status == .created, "\(type)/\(id): \(reply.text)")
        }
        let tenYearsAgo = FHIRDateTime.date(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 10 * 365 * 86_400_000)
        for (id, birthDate) in [("a1", "1950-05-01"), ("b1", "1962-09-12"), ("c1", tenYearsAgo)] {
            try await put("Patient", id, ["name": [["family": .string("Patient-\(id)")]], "birthDate": .string(birthDate)])
        }
        for id in ["n1", "n2", "doc1", "sn1"] { try await put("Practitioner", id, ["name": [["family": .string(id)]]]) }
        for (ward, patient) in [("wardA", "a1"), ("wardB", "b1")] {
            try await put("Group", ward, ["type": "person", "actual": true, "member": [["entity": ["reference": .string("Patient/\(patient)")]]]])
        }
        func team(_ id: String, subject: String, members: [String]) async throws {
            try await put(
                "CareTeam", id,
                [
                    "status": "active", "subject": ["reference": .string(subject)],
                    "participant": .array(members.map { ["member": ["reference": .string("Practitioner/\($0)")]] }),
                ])
        }
        try await team("tA", subject: "Group/wardA", members: ["n1", "doc1"])
        try await team("tB", subject: "Group/wardB", members: ["n2"])
        try await team("tC", subject: "Patient/c1", members: ["sn1"])
        let since = FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000)
        var devices: [String: String] = [:]
        for (device, patient) in [("monitor-a", "a1"), ("monitor-b", "b1"), ("cgm-c", "c1")] {
            try await put(
                "Device", device,
                [
                    "status": "active",
                    "patient": [
                        "reference": .string("Patient/\(patient)"),
                        "extension": [["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": .string(since)]],
                    ],
                ])
            devices[device] = try #require(
                try await server.request(.POST, "/api/devices/\(device)/credentials", token: admin).json?["token"]?.stringValue)
        }
        var tokens: [String: String] = [:]
        for (name, role, member) in [
            ("nina", "nurse", "n1"), ("nora", "nurse", "n2"), ("doc", "physician", "doc1"), ("sally", "school-nurse", "sn1"),
        ] {
            let password = "password-of-\(name)"
            let reply = try await server.request(
                .POST, "/api/users", token: admin,
                json: [
                    "username": .string(name), "password": .string(password), "role": .string(role), "fhirUser": .string("Practitioner/\(member)"),
                ])
            #expect(reply.status == .created, "\(reply.text)")
            tokens[name] = try await server.token(name, password)
        }
        return Site(admin: admin, tokens: tokens, devices: devices)
    }

    /// The five NEWS2 vital signs measured `secondsAgo`, with sequence numbers from `seq`.
    static func vitals(_ seq: Int, rr: Double, spo2: Double, sbp: Double, hr: Double, temp: Double = 37, secondsAgo: Int64 = 0) -> JSON {
        let time = FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - secondsAgo * 1000)
        let items: [(String, Double, String)] = [
            ("9279-1", rr, "/min"), ("59408-5", spo2, "%"), ("8480-6", sbp, "mm[Hg]"), ("8867-4", hr, "/min"), ("8310-5", temp, "Cel"),
        ]
        return [
            "readings": .array(
                items.enumerated().map { index, item in
                    ["seq": .integer(seq + index), "time": .string(time), "code": .string(item.0), "value": .double(item.1), "unit": .string(item.2)]
                })
        ]
    }

    static func ingest(_ server: ServerProcess, _ token: String, _ body: JSON) async throws {
        let reply = try await server.request(.POST, "/api/ingest", token: token, json: body)
        #expect(reply.status == .ok && reply.json?["rejected"] == [], "\(reply.text)")
    }

    static func about(_ patient: String, _ type: String, _ extra: @escaping (JSON) -> Bool = { _ in true }) -> (JSON) -> Bool {
        { $0["patient"]?.stringValue == "Patient/\(patient)" && $0["type"]?.stringValue == type && extra($0) }
    }

    /// A policy file escalating unacknowledged high alerts after 2 seconds.
    static func quickEscalationPolicy(_ server: ServerProcess) throws -> String {
        let standard = try server.cli(["policy", "show"])
        var policy = try #require(try JSONSerialization.jsonObject(with: Data(standard.output.utf8)) as? [String: Any])
        var escalation = try #require(policy["escalation"] as? [String: Any])
        escalation["escalateSeconds"] = ["high": 2, "medium": 900]
        policy["escalation"] = escalation
        policy["version"] = "end-to-end-quick-escalation"
        let path = server.dataDirectory + "-policy.json"
        try JSONSerialization.data(withJSONObject: policy).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aDriftToNEWS2SevenReachesTheWardNurseOnlyAndEscalatesToThePhysician() async throws {
        let probe = try ServerProcess()
        let server = try ServerProcess(arguments: ["--policy", try Self.quickEscalationPolicy(probe)])
        try await server.start()
        defer { server.stop() }
        let site = try await Self.site(server)
        let nina = try await server.stream(token: site["nina"])
        let nora = try await server.stream(token: site["nora"])
        let doc = try await server.stream(token: site["doc"])
        let monitor = site.devices["monitor-a"]!
        try await Self.ingest(server, monitor, Self.vitals(1, rr: 16, spo2: 97, sbp: 120, hr: 72, secondsAgo: 120))
        try await Self.ingest(server, monitor, Self.vitals(10, rr: 21, spo2: 96, sbp: 115, hr: 95, secondsAgo: 60))
        try await Self.ingest(server, monitor, Self.vitals(20, rr: 25, spo2: 94, sbp: 105, hr: 115))
        let scores = await nina.next(where: Self.about("a1", "score") { $0["data"]?["total"] == 7 })
        #expect(scores != nil, "\(nina.messages.map(\.json.text))")
        let notified = try #require(await nina.next(where: Self.about("a1", "notification")))
        #expect(notified.json["data"]?["alert"]?["kind"] == "news2")
        #expect(notified.json["data"]?["alert"]?["priority"] == "high")
        #expect(notified.json["data"]?["level"] == 0)
        // Nobody acknowledges: after 2 seconds the physician is notified at level 1.
        let escalated = await doc.next(timeout: .seconds(15), where: Self.about("a1", "notification") { $0["data"]?["reason"] == "escalated" })
        #expect(escalated?.json["data"]?["level"] == 1)
        let alerts = try await server.request(.GET, "/api/alerts?patient=a1&status=active", token: site["doc"])
        #expect(alerts.json?["alerts"]?[0]?["escalation"] == 1)
        // Nora's ward had news too; none of a1's reached her.
        try await Self.ingest(server, site.devices["monitor-b"]!, Self.vitals(1, rr: 16, spo2: 97, sbp: 120, hr: 72))
        #expect(await nora.next(where: Self.about("b1", "readings")) != nil)
        #expect(!nora.messages.contains { $0.json["patient"] == "Patient/a1" })
        #expect(!nina.messages.contains { $0.json["type"] == "notification" && $0.json["data"]?["reason"] == "escalated" })
        for stream in [nina, nora, doc] { await stream.close() }
    }

    @Test func aChildsGlucoseFallingThreeMgPerMinuteRaisesAPredictedLowBeforeTheLow() async throws {
        let server = try ServerProcess()
        try await server.start()
        defer { server.stop() }
        let site = try await Self.site(server)
        let sally = try await server.stream(token: site["sally"])
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let values: [Double] = [160, 145, 130, 115, 100, 85, 70, 55]
        for (index, value) in values.enumerated() {
            let time = FHIRDateTime.instant(milliseconds: now - Int64(values.count - 1 - index) * 300_000)
            try await Self.ingest(
                server, site.devices["cgm-c"]!,
                ["readings": [["seq": .integer(index + 1), "time": .string(time), "code": "99504-3", "value": .double(value), "unit": "mg/dL"]]])
        }
        let raised: (JSON) -> Bool = { $0["type"] == "alert" && $0["data"]?["transition"] == "raised" }
        let low = try #require(await sally.next(where: { raised($0) && $0["data"]?["alert"]?["kind"] == "glucose-low" }))
        let predicted = try #require(sally.messages.first { raised($0.json) && $0.json["data"]?["alert"]?["kind"] == "glucose-predicted-low" })
        #expect(predicted.json["id"]!.int64Value! < low.json["id"]!.int64Value!)
        #expect(predicted.json["data"]?["alert"]?["values"]?["mgdl"] == 115)
        #expect((predicted.json["data"]?["alert"]?["values"]?["forecast"]?.doubleValue ?? 99) < 70)
        #expect(low.json["data"]?["alert"]?["values"]?["mgdl"] == 55)
        await sally.close()
    }

    @Test func afterACrashTheOpenAlertIsNeitherLostNorRaisedTwice() async throws {
        let server = try ServerProcess()
        try await server.start()
        defer { server.stop() }
        let site = try await Self.site(server)
        let monitor = site.devices["monitor-a"]!
        var nina = try await server.stream(token: site["nina"])
        try await Self.ingest(server, monitor, Self.vitals(1, rr: 25, spo2: 94, sbp: 105, hr: 115, secondsAgo: 30))
        let raised = try #require(await nina.next(where: Self.about("a1", "alert")))
        let id = try #require(raised.json["data"]?["alert"]?["id"]?.int64Value)
        await nina.close()
        server.stop(SIGKILL)
        try await server.start()
        nina = try await server.stream(token: try await server.token("nina", "password-of-nina"))
        try await Self.ingest(server, monitor, Self.vitals(10, rr: 25, spo2: 94, sbp: 105, hr: 115))
        #expect(await nina.next(where: Self.about("a1", "readings")) != nil)
        let admin = try await server.token()
        let open = try await server.request(.GET, "/api/alerts?patient=a1&status=active,acknowledged", token: admin)
        #expect(open.json?["alerts"]?.arrayValue?.compactMap { $0["id"]?.int64Value } == [id])
        try await Self.ingest(server, monitor, Self.vitals(20, rr: 16, spo2: 97, sbp: 120, hr: 72))
        let allClear = await nina.next(where: Self.about("a1", "all-clear"))
        #expect(allClear?.json["data"]?["alert"]?["id"]?.int64Value == id)
        let history = try await server.request(.GET, "/api/alerts/\(id)", token: admin).json?["history"]?.arrayValue ?? []
        #expect(history.compactMap { $0["kind"]?.stringValue } == ["raised", "resolved"])
        await nina.close()
    }
}
