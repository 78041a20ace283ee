import Testing
import VigilClinical
import VigilCore

/// The lifecycle with a test clock: time is only what the test passes in.
@Suite struct AlertLifecycleTests {
    let policy = EscalationPolicy.standard
    let t0: Int64 = 1_772_352_000_000
    func at(_ seconds: Int64) -> Int64 { t0 + seconds * 1000 }

    func condition(_ priority: Priority) -> AlertCondition {
        AlertCondition(key: "news2", kind: "news2", priority: priority, message: "NEWS2", values: ["total": 7])
    }

    func step(_ alert: inout Alert, _ event: AlertLifecycle.Event, _ seconds: Int64) throws -> [AlertLifecycle.Transition] {
        let (next, transitions) = try AlertLifecycle.apply(event, to: alert, now: at(seconds), policy: policy)
        alert = next
        return transitions
    }

    @Test func raiseNotifiesTheFirstLevelAndSchedulesRenotifyAndEscalation() {
        let (alert, transitions) = AlertLifecycle.raise(condition(.high), patient: "p", now: at(0), policy: policy)
        #expect(alert.status == .active && alert.escalation == 0)
        #expect(transitions == [.init(kind: .raised, at: at(0), notifyLevel: 0, detail: "NEWS2")])
        #expect(alert.nextRenotify == at(120) && alert.nextEscalation == at(300))
    }

    @Test func unacknowledgedItIsRenotifiedThenEscalatedLevelByLevel() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.high), patient: "p", now: at(0), policy: policy)
        #expect(try step(&alert, .tick, 119).isEmpty)
        #expect(try step(&alert, .tick, 120).map(\.kind) == [.renotified])
        #expect(try step(&alert, .tick, 240).map(\.kind) == [.renotified])
        let escalated = try step(&alert, .tick, 300)
        #expect(escalated.map(\.kind) == [.escalated] && escalated.first?.notifyLevel == 1 && alert.escalation == 1)
        #expect(try step(&alert, .tick, 600).first?.notifyLevel == 2)
        #expect(alert.escalation == 2 && alert.nextEscalation == nil)
        #expect(try step(&alert, .tick, 900).map(\.kind) == [.renotified])
        #expect(alert.escalation == 2)
    }

    @Test func anAcknowledgementStopsEscalationButNotOthersReminders() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.high), patient: "p", now: at(0), policy: policy)
        let ack = try step(&alert, .acknowledge(by: "user/nina"), 60)
        #expect(ack == [.init(kind: .acknowledged, at: at(60), actor: "user/nina")])
        #expect(alert.status == .acknowledged && alert.nextEscalation == nil)
        let reminder = try step(&alert, .tick, 120)
        #expect(reminder.map(\.kind) == [.renotified] && reminder.first?.except == ["user/nina"])
        #expect(try step(&alert, .tick, 3600).allSatisfy { $0.kind != .escalated })
        var silencing = EscalationPolicy.standard
        silencing.acknowledgementSilencesAll = true
        let (fresh, _) = AlertLifecycle.raise(condition(.high), patient: "p", now: at(0), policy: silencing)
        let (acked, _) = try AlertLifecycle.apply(.acknowledge(by: "user/nina"), to: fresh, now: at(10), policy: silencing)
        #expect(acked.nextRenotify == nil)
    }

    @Test func aWorseConditionUpgradesAndReactivates() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.medium), patient: "p", now: at(0), policy: policy)
        _ = try step(&alert, .acknowledge(by: "user/nina"), 30)
        let upgrade = try step(&alert, .update(condition(.high)), 60)
        #expect(upgrade.map(\.kind) == [.upgraded] && upgrade.first?.notifyLevel == 0)
        #expect(alert.priority == .high && alert.status == .active && alert.nextEscalation == at(360))
        #expect(try step(&alert, .update(condition(.medium)), 90).map(\.kind) == [.updated])
        #expect(alert.priority == .high)
    }

    @Test func aClearedConditionResolvesWithAnAllClear() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.high), patient: "p", now: at(0), policy: policy)
        _ = try step(&alert, .tick, 300)
        let clear = try step(&alert, .clear(values: ["total": 2]), 400)
        #expect(clear == [.init(kind: .resolved, at: at(400), notifyLevel: 1, allClear: true, detail: "the condition cleared")])
        #expect(alert.status == .resolved && alert.resolution?.by == nil && alert.nextDue == nil)
        #expect(throws: AlertLifecycle.Refusal.self) { try step(&alert, .acknowledge(by: "user/x"), 500) }
    }

    @Test func aPersonResolvesWithAReason() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.low), patient: "p", now: at(0), policy: policy)
        #expect(alert.nextEscalation == nil)
        let resolved = try step(&alert, .resolve(by: "user/doc", reason: "sensor off the finger"), 10)
        #expect(resolved.first?.actor == "user/doc" && alert.resolution?.reason == "sensor off the finger")
    }

    /// A restart in the middle: the stored alert (timers included) is all the state; ticking it
    /// after the restart continues where it was.
    @Test func aRestartInTheMiddleContinuesTheSchedule() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.high), patient: "p", now: at(0), policy: policy)
        _ = try step(&alert, .tick, 120)
        let stored = alert
        var reloaded = stored
        #expect(try step(&reloaded, .tick, 200).isEmpty)
        #expect(try step(&reloaded, .tick, 300).map(\.kind) == [.escalated])
    }
}
