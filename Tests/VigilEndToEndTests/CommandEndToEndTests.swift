import Foundation
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// Commands to a simulated insulin pump through a real Mosquitto broker (docs/commands.md): a low
/// proposes a suspension that a person confirms, a nurse's request that a physician confirms, and
/// a command the pump never hears in time expires and is not carried out when it comes back.
@Suite(.serialized, .timeLimit(.minutes(5))) struct CommandEndToEndTests {
    struct Site {
        let server: ServerProcess
        let broker: Mosquitto
        let people: ClinicalEndToEndTests.Site
        let pumpToken: String
    }

    /// A server managing its broker, the clinical site, doc1 on the care team of c1 beside the
    /// school nurse, and an insulin pump on c1.
    static func site() async throws -> Site {
        let port = try Loopback.freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("broker-\(UUID().uuidString)").path
        let server = try ServerProcess(arguments: ["--mqtt", "mqtt://127.0.0.1:\(port)", "--broker-config", directory])
        try await server.start()
        let broker = Mosquitto(configurationFile: directory + "/mosquitto.conf", port: port, removingItsDirectory: true)
        try await broker.start()
        let people = try await ClinicalEndToEndTests.site(server)
        let team = try await server.request(
            .PUT, "/fhir/CareTeam/tC", token: people.admin,
            json: [
                "resourceType": "CareTeam", "id": "tC", "status": "active", "subject": ["reference": "Patient/c1"],
                "participant": [["member": ["reference": "Practitioner/sn1"]], ["member": ["reference": "Practitioner/doc1"]]],
            ])
        #expect(team.status == .ok, "\(team.text)")
        let since = FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000)
        try await server.put(
            "Device", "pump-c",
            [
                "status": "active", "type": ["coding": [["system": "http://snomed.info/sct", "code": "69805005"]]],
                "patient": [
                    "reference": "Patient/c1", "extension": [["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": .string(since)]],
                ],
            ], token: people.admin)
        let token = try #require(
            try await server.request(.POST, "/api/devices/pump-c/credentials", token: people.admin).json?["token"]?.stringValue)
        try await MQTTEndToEndTests.waitUntilConnected(server)
        return Site(server: server, broker: broker, people: people, pumpToken: token)
    }

    static func pump(_ site: Site) -> ActuatorLink<InsulinPump> {
        ActuatorLink(device: "pump-c", token: site.pumpToken, host: "127.0.0.1", port: site.broker.port, actuator: InsulinPump(programmedRate: 0.8))
    }

    static func until(_ what: String, within: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + within
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure("not within \(within): \(what)")
    }

    static func command(_ site: Site, _ id: Int64) async throws -> JSON? {
        try await site.server.request(.GET, "/api/commands/\(id)", token: site.people["doc"]).json
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test func aLowProposesSuspendingThePumpAndTheConfirmedCommandStopsItsBasal() async throws {
        let site = try await Self.site()
        defer { site.server.stop() }
        let pump = Self.pump(site)
        let running = Task { await pump.run() }
        defer { running.cancel() }
        try await Self.until("the pump subscribes") { pump.isSubscribed }
        // The CGM reads a low: the rule proposes suspending the pump's basal delivery.
        let low: JSON = [
            "readings": [["seq": 1, "time": .string(FHIRDateTime.instant(milliseconds: Self.now)), "code": "99504-3", "value": 60, "unit": "mg/dL"]]
        ]
        try await ClinicalEndToEndTests.ingest(site.server, site.people.devices["cgm-c"]!, low)
        var proposal: JSON?
        try await Self.until("the low proposes a command") {
            proposal = try await site.server.request(.GET, "/api/commands?patient=c1", token: site.people["sally"]).json?["commands"]?[0]
            return proposal != nil
        }
        let id = try #require(proposal?["id"]?.int64Value)
        #expect(proposal?["state"] == "proposed" && proposal?["requestedBy"] == "rule/glucose-low" && proposal?["command"] == "suspend-basal")
        #expect(pump.actuator.basalRate(at: Self.now) == 0.8, "nothing is sent before a person confirms")
        let confirmed = try await site.server.request(.POST, "/api/commands/\(id)/confirm", token: site.people["sally"], json: [:])
        #expect(confirmed.status == .ok, "\(confirmed.text)")
        try await Self.until("the pump completes the command") { try await Self.command(site, id)?["state"] == "completed" }
        let history = try await Self.command(site, id)?["history"]?.arrayValue?.compactMap { $0["state"]?.stringValue }
        #expect(history == ["proposed", "requested", "sent", "accepted", "completed"])
        #expect(pump.actuator.basalRate(at: Self.now) == 0, "the basal delivery stopped")
        // A nurse's request to resume is a therapy change too: the physician confirms it.
        let resume = try await site.server.request(
            .POST, "/api/devices/pump-c/commands", token: site.people["sally"], json: ["command": "resume-basal"])
        let resumeID = try #require(resume.json?["id"]?.int64Value)
        #expect(resume.json?["state"] == "proposed")
        let own = try await site.server.request(.POST, "/api/commands/\(resumeID)/confirm", token: site.people["sally"], json: [:])
        #expect(own.status == .forbidden)
        #expect(try await site.server.request(.POST, "/api/commands/\(resumeID)/confirm", token: site.people["doc"], json: [:]).status == .ok)
        try await Self.until("the pump resumes") { try await Self.command(site, resumeID)?["state"] == "completed" }
        #expect(pump.actuator.basalRate(at: Self.now) == 0.8)
        // On the patient's page, with who asked and who confirmed.
        let page = try await site.server.request(.GET, "/api/commands?device=pump-c", token: site.people["doc"]).json?["commands"]?.arrayValue ?? []
        #expect(page.compactMap { $0["confirmedBy"]?.stringValue } == ["user/doc", "user/sally"])
    }

    @Test func aCommandThePumpDoesNotHearBeforeItsDeadlineExpiresAndIsNotCarriedOutLate() async throws {
        let site = try await Self.site()
        defer { site.server.stop() }
        // The pump has been on the broker (its session is kept), and is now out of reach.
        let first = Self.pump(site)
        let running = Task { await first.run() }
        try await Self.until("the pump subscribes") { first.isSubscribed }
        running.cancel()
        try await Task.sleep(for: .milliseconds(500))
        let asked = try await site.server.request(
            .POST, "/api/devices/pump-c/commands", token: site.people["sally"],
            json: ["command": "suspend-basal", "parameters": ["minutes": 30], "deadlineSeconds": 3])
        let id = try #require(asked.json?["id"]?.int64Value)
        #expect(try await site.server.request(.POST, "/api/commands/\(id)/confirm", token: site.people["doc"], json: [:]).status == .ok)
        try await Self.until("the command expires") { try await Self.command(site, id)?["state"] == "expired" }
        // Back on the broker, the pump is given what waited for it, sees the deadline passed and does nothing.
        let back = Self.pump(site)
        let again = Task { await back.run() }
        defer { again.cancel() }
        try await Self.until("the pump subscribes again") { back.isSubscribed }
        try await Task.sleep(for: .seconds(2))
        #expect(back.actuator.basalRate(at: Self.now) == 0.8, "not carried out late")
        let command = try await Self.command(site, id)
        #expect(command?["state"] == "expired")
        #expect(command?["history"]?.arrayValue?.contains { $0["state"] == "accepted" } == false)
    }
}
