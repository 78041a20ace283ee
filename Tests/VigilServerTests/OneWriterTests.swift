import Foundation
import Logging
import Synchronization
import Testing
import VigilCore
import VigilSQLite

@testable import VigilServer

/// Every kind of change goes through the one writer: it is sealed into the audit chain, the
/// anchor moves once for its commit, and what it stored is announced once to the scope cache, the
/// broker's registry, the analysis and the event hub.
@Suite struct OneWriterTests {
    /// Every announcement, in order.
    final class Recorder: CommitSubscriber {
        let commits = Mutex<[Committed]>([])
        func committed(_ commit: Committed) async { commits.withLock { $0.append(commit) } }
    }

    enum Kind: String, CaseIterable, Sendable {
        case readings, observation, careTeam, alerts, addUser, updateUser, addCredential, revokeCredentials, audit
    }

    static func event(_ detail: String) -> AuditEvent {
        AuditEvent(time: 1, actor: "test", role: "admin", action: .update, resource: "test", detail: detail)
    }

    /// A change of `kind` for the World's p1, d1 and users.
    static func change(_ kind: Kind, _ runtime: VigilRuntime) async throws -> Change {
        let now = runtime.clock.now()
        let audit = [event(kind.rawValue)]
        switch kind {
        case .readings:
            let reading = Reading(
                key: ProducerKey(device: "d1", boot: "w", seq: 1), patient: "p1", code: "8867-4", value: 72, unit: "/min", time: now, received: now)
            return Change(.readings(IngestCommit(readings: [reading])), audit: audit)
        case .observation:
            let observation: JSON = [
                "resourceType": "Observation", "status": "final", "subject": ["reference": "Patient/p2"],
                "code": ["coding": [["system": "http://loinc.org", "code": "8867-4"]]],
                "effectiveDateTime": .string(FHIRDateTime.instant(milliseconds: now)),
                "valueQuantity": ["value": 80, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"],
            ]
            let write = ResourcePreparation.write(observation, type: .observation, id: "obs-w", version: 1, lastUpdated: now, mode: .create)
            return Change(.resources([write]), audit: audit)
        case .careTeam:
            let team: JSON = [
                "resourceType": "CareTeam", "status": "active", "subject": ["reference": "Patient/p2"],
                "participant": [["member": ["reference": "Practitioner/n1"]]],
            ]
            return Change(
                .resources([ResourcePreparation.write(team, type: .careTeam, id: "team-w", version: 1, lastUpdated: now, mode: .create)]),
                audit: audit)
        case .alerts:
            let alert = Alert(patient: "p1", key: "test-w", kind: "test", priority: .low, raised: now, updated: now, message: "test", values: [:])
            let history = AlertHistoryEntry(kind: .raised, at: now, actor: nil, detail: nil, recipients: [])
            let notice = AlertNotice(transition: .raised, by: nil, alert: alert, index: 0)
            return Change(.alerts([AlertChange(alert: alert, history: [history], audit: audit)], derived: []), notices: [.alert(notice)])
        case .addUser:
            return Change(.addUser(UserAccount(username: "w", role: .researcher, fhirUser: nil, passwordHash: "x", created: now)), audit: audit)
        case .updateUser:
            var user = try #require(try await runtime.store.user(username: "rita"))
            user.disabled = true
            return Change(.updateUser(user), audit: audit)
        case .addCredential:
            return Change(.addCredential(device: "d2", tokenHash: Array(repeating: 7, count: 32), brokerHash: nil, at: now), audit: audit)
        case .revokeCredentials:
            return Change(.revokeCredentials(device: "d1", id: nil, at: now), audit: audit)
        case .audit:
            return .audit(audit)
        }
    }

    @Test(arguments: Kind.allCases)
    func eachKindIsSealedAnchoredOnceAndAnnouncedOnceToEveryone(_ kind: Kind) async throws {
        let harness = try Harness()
        try await harness.run { client in
            _ = try await World.build(client)
            await harness.settle()
            let runtime = harness.runtime
            // The registry caches which devices may use the broker: d2 without a credential, d1 with one.
            try await runtime.writer.submit(Change(.revokeCredentials(device: "d2", id: nil, at: 0)))
            let cached = (d1: try await runtime.broker.isActive(device: "d1"), d2: try await runtime.broker.isActive(device: "d2"))
            let recorder = Recorder()
            runtime.writer.subscribe(recorder)
            let (anchorWrites, scopes, lastEvent) = (runtime.anchor.writes, runtime.scopes.generation, runtime.hub.lastID)

            let applied = try await runtime.writer.submit(try await Self.change(kind, runtime))

            #expect(runtime.anchor.writes == anchorWrites + 1)
            let head = try await runtime.store.auditHead()
            #expect(try runtime.anchor.read() == head)
            #expect(try await runtime.store.auditRecords(after: (head?.seq ?? 1) - 1, limit: 1).first?.event.detail == kind.rawValue)
            let commits = recorder.commits.withLock { $0 }
            guard kind != .audit else {
                #expect(commits.isEmpty, "a commit of audit events alone changes nothing anyone derives")
                return
            }
            try #require(commits.count == 1)
            let commit = commits[0]
            #expect(commit.auditHead == head)
            await harness.settle()
            let events = runtime.hub.subscribe(.init(user: "test", patients: nil), after: lastEvent)
            runtime.hub.unsubscribe(events.id)
            guard case .resume(let published) = events.start else { Issue.record("the hub forgot its events"); return }
            switch kind {
            case .readings:
                #expect(applied.inserted == [true] && commit.readings.count == 1)
                #expect(published.map(\.type) == [.readings])
                #expect(runtime.analysis?.state.withLock { $0.patients["p1"] } != nil, "the analysis did not take the reading")
            case .observation:
                #expect(commit.resources.map(\.id) == ["obs-w"])
                #expect(runtime.analysis?.state.withLock { $0.patients["p2"]?.state } != nil, "the analysis did not take the observation")
            case .careTeam:
                #expect(commit.resources.map(\.id) == ["team-w"])
                #expect(runtime.scopes.generation == scopes + 1, "the scope cache kept scopes of the old care teams")
            case .alerts:
                let id = try #require(commit.alerts.first?.id)
                #expect(id > 0)
                #expect(commit.notices == [.alert(AlertNotice(transition: .raised, by: nil, alert: commit.alerts[0]))])
                #expect(published.map(\.type) == [.alert])
                #expect(published.first?.text.contains("\"id\":\(id)") == true)
            case .addUser, .updateUser:
                #expect(commit.users == [kind == .addUser ? "w" : "rita"])
            case .addCredential, .revokeCredentials:
                #expect(commit.credentials == [kind == .addCredential ? "d2" : "d1"])
                #expect(cached == (true, false))
                let device = kind == .addCredential ? "d2" : "d1"
                #expect(try await runtime.broker.isActive(device: device) == (kind == .addCredential), "the broker registry kept its old list")
            case .audit:
                break
            }
        }
    }

    /// The writer's subscribers hold the writer (the analysis through the alert center): it must not
    /// hold them back, or no runtime, store or open database would ever be released.
    @Test func aRuntimeIsReleasedWithItsLastUser() throws {
        weak var writer: ChangeWriter?
        weak var analysis: AnalysisService?
        do {
            let harness = try Harness()
            (writer, analysis) = (harness.runtime.writer, harness.runtime.analysis)
            #expect(writer != nil && analysis != nil)
        }
        #expect(writer == nil && analysis == nil)
    }

    @Test func aConflictingFHIRWriteFailsAloneAndItsNeighboursInTheGroupCommitAreStored() async throws {
        let store = try GatedStore()
        let writer = ChangeWriter(
            store: store, sealer: HMACAuditSealer(key: Array(repeating: 1, count: 32)), anchor: nil, capacity: 1000, maxCommitRows: 1000,
            metrics: .shared, logger: .init(label: "test"))
        let recorder = Recorder()
        writer.subscribe(recorder)
        func patient(_ id: String) -> Change {
            Change(
                .resources([ResourcePreparation.write(["resourceType": "Patient"], type: .patient, id: id, version: 1, lastUpdated: 0, mode: .create)]
                ),
                audit: [Self.event(id)])
        }
        try await writer.submit(patient("taken"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await writer.run() }
            while !writer.isRunning { await Task.yield() }
            // The writer is held in a commit of readings while the three changes queue behind it.
            let held = try writer.enqueue(ChangeWriterTests.events(1))
            while store.commitsStarted == 0 { await Task.yield() }
            let conflict = try writer.enqueue(patient("taken"))
            let fresh = try writer.enqueue(patient("fresh"))
            let audit = try writer.enqueue(.audit([Self.event("audit")]))
            store.open()
            _ = try await held.outcome()
            let error = await #expect(throws: VigilError.self) { try await conflict.outcome() }
            #expect(error?.code == .conflict)
            #expect(try await fresh.outcome() == .resources([try #require(try await store.resource(.patient, id: "fresh"))]))
            #expect(try await audit.outcome() == .audited)
            writer.close()
            try await group.waitForAll()
        }
        // One commit held all three; the conflicting one left no audit event behind.
        let commits = recorder.commits.withLock { $0 }
        #expect(commits.map { $0.resources.map(\.id) } == [["taken"], ["fresh"]])
        let details = try await store.auditRecords(after: 0, limit: 10).compactMap(\.event.detail)
        #expect(details == ["taken", "fresh", "audit"])
    }
}
