import Foundation
import Testing
import VigilCore

/// What a commit stored, as the writer announces it: built from each change and what the store
/// did with it, and carried as JSON to another node unchanged.
@Suite struct CommittedTests {
    static let t0: Int64 = 1_772_352_000_000

    static var sample: Committed {
        var committed = Committed()
        let reading = Reading(
            key: ProducerKey(device: "d1", boot: "b", seq: 1), patient: "p1", code: "8867-4", value: 72.5, unit: "/min", time: t0, received: t0 + 5)
        let duplicate = Reading(
            key: ProducerKey(device: "d1", boot: "b", seq: 2), patient: "p1", code: "8867-4", value: 73, unit: "/min", time: t0, received: t0 + 9)
        let refused = QuarantineEntry(device: "d2", boot: nil, seq: nil, index: 0, reason: "r", payload: "{}", source: "http", received: t0 + 7)
        let screened = ScreeningEvent(key: ProducerKey(device: "k1", boot: "b", seq: 1), site: "gate-a", time: t0, celsius: 38.1, received: t0 + 6)
        let screenedAgain = ScreeningEvent(
            key: ProducerKey(device: "k1", boot: "b", seq: 2), site: "gate-a", time: t0, celsius: 36.5, received: t0 + 6)
        committed.add(
            Change(
                .readings(
                    IngestCommit(
                        readings: [reading, duplicate], screenings: [screened, screenedAgain], quarantine: [refused], clockAhead: ["d2": 1]))),
            .readings(ids: [41, nil, nil, 1]))
        let resource = StoredResource(
            type: .patient, id: "p1", version: 2, lastUpdated: t0, compartment: "Patient/p1",
            json: ["resourceType": "Patient", "id": "p1", "x": .number("1.50")])
        committed.add(Change(.resources([])), .resources([resource]))
        var alert = Alert(
            patient: "p1", key: "news2", kind: "news2", priority: .high, raised: t0, updated: t0, message: "NEWS2 7", values: ["total": 7])
        let notice = AlertNotice(transition: .raised, by: nil, alert: alert, recipients: ["user/nina"], level: 1, index: 0)
        alert.id = 12
        committed.add(
            Change(
                .alerts(
                    [
                        AlertChange(
                            alert: alert, history: [], audit: [],
                            messages: [
                                OutboxMessage(
                                    step: 0, channel: .webhook, target: "webhook/1", address: "https://a.example", payload: "{}", created: t0)
                            ])
                    ], derived: []), notices: [.alert(notice)]), .alerts([alert]))
        committed.add(
            Change(.addWebhook(Webhook(url: "https://a.example", priorities: [.high], created: t0))),
            .webhook(Webhook(id: 1, url: "https://a.example", priorities: [.high], created: t0)))
        committed.add(
            Change(.addUser(UserAccount(username: "u", role: .nurse, fhirUser: nil, passwordHash: "h", created: 0))),
            .user(
                UserAccount(username: "u", role: .nurse, fhirUser: nil, passwordHash: "h", created: 0)))
        committed.add(Change(.revokeCredentials(device: "d3", id: nil, at: 0)), .revoked(1))
        let command = DeviceCommand(
            device: "pump-1", patient: "p1", name: "suspend-basal", parameters: ["minutes": 30], state: .requested, requestedBy: "user/u",
            created: t0, deadline: t0 + 60_000)
        var stored = command
        (stored.id, stored.version) = (5, 1)
        committed.add(Change(.command(command, newSteps: 0)), .command(stored))
        committed.auditHead = AuditHead(seq: 9, hash: [1, 2, 3])
        return committed
    }

    @Test func itHoldsWhatWasStoredWithTheStoredIDs() {
        let committed = Self.sample
        #expect(committed.readings.map(\.id) == [41], "a duplicate is not announced")
        #expect(committed.screenings.map(\.key.seq) == [2], "screenings follow the readings' ids; a duplicate is not announced")
        #expect(committed.refused == ["d2": 1] && committed.clockAhead == ["d2": 1])
        #expect(committed.received == Self.t0 + 9)
        #expect(committed.resources.map(\.id) == ["p1"])
        guard case .alert(let step) = committed.notices.first else {
            Issue.record("no alert notice")
            return
        }
        #expect(step.alert.id == 12 && step.index == nil, "a new alert's notice carries the id the store gave it")
        #expect(committed.users == ["u"] && committed.credentials == ["d3"])
        #expect(committed.messages == 1 && committed.webhooks, "the outbox's worker and the webhook list are told")
        #expect(committed.commands.map(\.id) == [5], "the command center is told, with the stored id")
        #expect(!committed.isQuiet)
        #expect(Committed().isQuiet)
    }

    @Test func itTravelsAsJSONUnchanged() throws {
        let committed = Self.sample
        let data = try JSONEncoder().encode(committed)
        #expect(try JSONDecoder().decode(Committed.self, from: data) == committed)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "auditHead", "readings", "screenings", "refused", "clockAhead", "received", "resources", "derived", "alerts", "notices", "users",
                "credentials", "messages", "webhooks", "commands",
            ])
        let resource = try #require((object["resources"] as? [[String: Any]])?.first)
        #expect(resource["json"] as? String == #"{"resourceType":"Patient","id":"p1","x":1.50}"#, "a resource keeps its exact JSON text")
    }
}
