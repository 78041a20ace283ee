import Testing
import VigilCore

extension StoreConformance {
    static func sampleAlert(_ key: String = "news2", patient: String = "p1", at time: Int64 = Fixture.t0) -> Alert {
        Alert(
            patient: patient, key: key, kind: key, priority: .high, raised: time, updated: time, message: "NEWS2 7", values: ["total": 7],
            nextRenotify: time + 120_000, nextEscalation: time + 300_000)
    }

    static let alertChecks: [(name: String, check: Check)] = [
        (
            "an alert is stored with its history and audit, and read back whole",
            { store in
                let raised = AlertHistoryEntry(kind: .raised, at: Fixture.t0, actor: nil, detail: "NEWS2 7", recipients: ["user/nina"])
                var event = Fixture.event(1, patient: "p1")
                event.resource = "Alert/{alert}"
                var alert = try await store.save(sampleAlert(), history: [raised], audit: [event], sealer: Fixture.sealer)
                #expect(try await store.auditRecords(after: 0, limit: 1).first?.event.resource == "Alert/\(alert.id)")
                #expect(alert.id > 0)
                #expect(try await store.alert(id: alert.id) == alert)
                alert.status = .acknowledged
                alert.acknowledgements = [
                    Alert.Acknowledgement(by: "user/nina", at: Fixture.t0 + 60_000, level: 1),
                    Alert.Acknowledgement(by: "user/admin", at: Fixture.t0 + 61_000),
                ]
                alert.nextEscalation = nil
                let acked = AlertHistoryEntry(kind: .acknowledged, at: Fixture.t0 + 60_000, actor: "user/nina", detail: nil, recipients: [])
                _ = try await store.save(alert, history: [acked], audit: [], sealer: Fixture.sealer)
                #expect(try await store.alert(id: alert.id) == alert)
                #expect(try await store.alertHistory(id: alert.id) == [raised, acked])
                #expect(try await store.auditHead()?.seq == 1)
            }
        ),
        (
            "an alert change that follows a state no longer stored is refused whole (another node changed the alert)",
            { store in
                let raised = try await store.save(sampleAlert(), history: [], audit: [], sealer: Fixture.sealer)
                var acknowledged = raised
                acknowledged.status = .acknowledged
                acknowledged.updated = raised.updated + 1
                let ack = AlertHistoryEntry(kind: .acknowledged, at: acknowledged.updated, actor: "user/nina", detail: nil, recipients: [])
                _ = try await store.save(
                    [AlertChange(alert: acknowledged, history: [ack], audit: [], follows: raised.updated)], sealer: Fixture.sealer)
                var escalated = raised
                escalated.escalation = 1
                escalated.updated = raised.updated + 2
                let step = AlertHistoryEntry(kind: .escalated, at: escalated.updated, actor: nil, detail: nil, recipients: [])
                let error = await #expect(throws: VigilError.self) {
                    try await store.save(
                        [AlertChange(alert: escalated, history: [step], audit: [Fixture.event(1, patient: "p1")], follows: raised.updated)],
                        sealer: Fixture.sealer)
                }
                #expect(error?.code == .conflict)
                #expect(try await store.alert(id: raised.id) == acknowledged)
                #expect(try await store.alertHistory(id: raised.id) == [ack])
                #expect(try await store.auditHead() == nil)
                var missing = escalated
                missing.id = raised.id + 1000
                let absent = await #expect(throws: VigilError.self) {
                    try await store.save([AlertChange(alert: missing, history: [], audit: [], follows: raised.updated)], sealer: Fixture.sealer)
                }
                #expect(absent?.code == .notFound)
            }
        ),
        (
            "one open alert per patient and condition",
            { store in
                let first = try await store.save(sampleAlert(), history: [], audit: [], sealer: Fixture.sealer)
                let error = await #expect(throws: VigilError.self) {
                    try await store.save(sampleAlert(), history: [], audit: [], sealer: Fixture.sealer)
                }
                #expect(error?.code == .conflict)
                _ = try await store.save(sampleAlert(patient: "p2"), history: [], audit: [], sealer: Fixture.sealer)
                var resolved = first
                resolved.status = .resolved
                resolved.resolution = Alert.Resolution(by: nil, reason: "cleared", at: Fixture.t0 + 1000)
                _ = try await store.save(resolved, history: [], audit: [], sealer: Fixture.sealer)
                let second = try await store.save(sampleAlert(at: Fixture.t0 + 2000), history: [], audit: [], sealer: Fixture.sealer)
                #expect(try await store.openAlerts().map(\.patient).sorted() == ["p1", "p2"])
                #expect(try await store.latestAlert(patient: "p1", key: "news2")?.id == second.id)
                #expect(try await store.alert(id: first.id)?.resolution?.reason == "cleared")
            }
        ),
        (
            "several alerts are saved in one transaction, all or nothing, each audit event naming its own alert",
            { store in
                func change(_ alert: Alert, _ n: Int) -> AlertChange {
                    var event = Fixture.event(n, patient: alert.patient)
                    event.resource = "Alert/{alert}"
                    return AlertChange(alert: alert, history: [], audit: [event])
                }
                let saved = try await store.save(
                    [change(sampleAlert("news2"), 1), change(sampleAlert("fever"), 2), change(sampleAlert("news2", patient: "p2"), 3)],
                    sealer: Fixture.sealer)
                #expect(saved.map(\.key) == ["news2", "fever", "news2"])
                #expect(Set(saved.map(\.id)).count == 3)
                let audited = try await store.auditRecords(after: 0, limit: 10).map(\.event.resource)
                #expect(audited == saved.map { "Alert/\($0.id)" })
                let error = await #expect(throws: VigilError.self) {
                    try await store.save([change(sampleAlert("spo2"), 4), change(sampleAlert("news2"), 5)], sealer: Fixture.sealer)
                }
                #expect(error?.code == .conflict)
                #expect(try await store.openAlerts().count == 3)
                #expect(try await store.auditHead()?.seq == 3)
            }
        ),
        (
            "scores and alerts are saved together, all or nothing",
            { store in
                try await store.write([Fixture.patient("p1")], audit: [], sealer: Fixture.sealer)
                let score = Fixture.observation("s1", patient: "p1", code: "8867-4", at: "2026-03-01T08:00:00Z")
                let saved = try await store.save(
                    [AlertChange(alert: sampleAlert("news2"), history: [], audit: [Fixture.event(2, patient: "p1")])], writing: [score],
                    audit: [Fixture.event(1, patient: "p1")], sealer: Fixture.sealer)
                #expect(saved.count == 1)
                #expect(try await store.resource(.observation, id: "s1") != nil)
                #expect(try await store.auditRecords(after: 0, limit: 10).map(\.event.time) == [1, 2].map { Fixture.event($0, patient: "p1").time })
                let again = Fixture.observation("s1", patient: "p1", code: "8867-4", at: "2026-03-01T09:00:00Z")
                let error = await #expect(throws: VigilError.self) {
                    try await store.save(
                        [AlertChange(alert: sampleAlert("fever"), history: [], audit: [])], writing: [again], audit: [], sealer: Fixture.sealer)
                }
                #expect(error?.code == .conflict)
                #expect(try await store.openAlerts().map(\.key) == ["news2"])
            }
        ),
        (
            "alerts are listed by status, priority, patient, kind and time",
            { store in
                _ = try await store.save(sampleAlert("news2"), history: [], audit: [], sealer: Fixture.sealer)
                var low = sampleAlert("fever", at: Fixture.t0 + 5000)
                low.priority = .low
                _ = try await store.save(low, history: [], audit: [], sealer: Fixture.sealer)
                _ = try await store.save(sampleAlert("news2", patient: "p2"), history: [], audit: [], sealer: Fixture.sealer)
                #expect(try await store.alerts(AlertQuery()).count == 3)
                #expect(try await store.alerts(AlertQuery(priorities: [.low])).map(\.key) == ["fever"])
                #expect(try await store.alerts(AlertQuery(patients: ["p1"])).count == 2)
                #expect(try await store.alerts(AlertQuery(patients: [])).isEmpty)
                #expect(try await store.alerts(AlertQuery(kind: "news2")).count == 2)
                #expect(try await store.alerts(AlertQuery(since: Fixture.t0 + 1)).map(\.key) == ["fever"])
                #expect(try await store.alerts(AlertQuery(statuses: [.resolved])).isEmpty)
                #expect(try await store.alerts(AlertQuery(limit: 1)).count == 1)
                // Newest first, a page at a time.
                let all = try await store.alerts(AlertQuery()).map(\.id)
                #expect(all == all.sorted(by: >))
                let first = try await store.alerts(AlertQuery(limit: 2)).map(\.id)
                #expect(first + (try await store.alerts(AlertQuery(before: first.last, limit: 2)).map(\.id)) == all)
            }
        ),
        (
            "readings since a time and device activity survive for rebuilding",
            { store in
                try await Fixture.seeded(store)
                let result = try await store.commit(
                    IngestCommit(readings: [
                        Fixture.reading("d1", 1, patient: "p1", at: Fixture.t0 - 60_000), Fixture.reading("d1", 2, patient: "p1", at: Fixture.t0),
                        Fixture.reading("d1", 2, patient: "p1", at: Fixture.t0),
                    ]), sealer: Fixture.sealer)
                #expect(result.map { $0 != nil } == [true, true, false])
                #expect(try await store.readings(patients: ["p1"], since: Fixture.t0 - 1000, before: nil).map(\.id) == [result[1]!])
                #expect(try await store.readings(patients: ["p1"], since: 0, before: nil).map(\.id) == [result[0]!, result[1]!])
                #expect(try await store.readings(patients: ["p1"], since: 0, before: result[1]!).map(\.id) == [result[0]!])
                #expect(try await store.readings(patients: ["p2"], since: 0, before: nil).isEmpty)
                #expect(try await store.readings(patients: ["p2", "p1", "nobody"], since: 0, before: nil).count == 2)
                #expect(try await store.newestReadingID() == result.compactMap { $0 }.max())
                var later = Fixture.reading("d1", 3, patient: "p1", at: Fixture.t0 + 60_000)
                later.received = Fixture.t0 + 61_000
                _ = try await store.commit(IngestCommit(readings: [later]), sealer: Fixture.sealer)
                #expect(
                    try await store.deviceActivity() == [
                        DeviceActivity(device: "d1", patient: "p1", lastReceived: Fixture.t0 + 61_000, previousReceived: Fixture.t0 + 500)
                    ])
            }
        ),
        (
            "care-team members of a patient with their roles on the team, directly and through a group",
            { store in
                try await store.write(
                    [
                        Fixture.patient("p1"), Fixture.patient("p2"),
                        Fixture.write(
                            ["resourceType": "Group", "type": "person", "actual": true, "member": [["entity": ["reference": "Patient/p2"]]]], .group,
                            id: "ward"),
                        Fixture.write(
                            [
                                "resourceType": "CareTeam", "subject": ["reference": "Patient/p1"],
                                "participant": [
                                    ["member": ["reference": "Practitioner/a"]],
                                    ["member": ["reference": "Practitioner/old"], "period": ["end": "2020-01-01"]],
                                ],
                            ], .careTeam, id: "t1"),
                        Fixture.write(
                            [
                                "resourceType": "CareTeam", "subject": ["reference": "Group/ward"],
                                "participant": [
                                    ["member": ["reference": "Practitioner/b"]],
                                    [
                                        "member": ["reference": "Practitioner/rrt"],
                                        "role": [
                                            ["coding": [["system": "urn:vigil:care-team-role", "code": "rapid-response"]], "text": "Outreach"]
                                        ],
                                    ],
                                ],
                            ], .careTeam, id: "t2"),
                    ], audit: [], sealer: Fixture.sealer)
                #expect(try await store.careTeam(patient: "p1", at: Fixture.t0) == ["Practitioner/a": []])
                #expect(
                    try await store.careTeam(patient: "p2", at: Fixture.t0) == [
                        "Practitioner/b": [], "Practitioner/rrt": ["rapid-response", "Outreach"],
                    ])
                #expect(try await store.careTeam(patient: "nobody", at: Fixture.t0).isEmpty)
                let together = try await store.careTeams(patients: ["p1", "p2", "nobody", "p1"], at: Fixture.t0)
                #expect(Set(together.keys) == ["p1", "p2"])
                #expect(together["p1"] == ["Practitioner/a": []])
                #expect(together["p2"] == ["Practitioner/b": [], "Practitioner/rrt": ["rapid-response", "Outreach"]])
            }
        ),
    ]
}
