import Testing
import VigilClinical
import VigilCore

/// The lifecycle with a test clock: time is only what the test passes in. Levels of the standard
/// policy: 0 bedside (nurse, carer), 1 physician, 2 rapid response (the last resort).
@Suite struct AlertLifecycleTests {
    let policy = EscalationPolicy.standard
    let t0: Int64 = 1_772_352_000_000
    func at(_ seconds: Int64) -> Int64 { t0 + seconds * 1000 }

    func condition(_ priority: Priority, kind: String = "news2", total: Int = 7) -> AlertCondition {
        AlertCondition(
            key: "deterioration", kind: kind, priority: priority, message: "NEWS2 \(total)", values: ["total": .integer(total)], severity: total)
    }

    func step(_ alert: inout Alert, _ event: AlertLifecycle.Event, _ seconds: Int64) throws -> [AlertLifecycle.Transition] {
        let (next, transitions) = try AlertLifecycle.apply(event, to: alert, now: at(seconds), policy: policy)
        alert = next
        return transitions
    }

    /// NEWS2 chart, Chart 4: 7 or more tells the nurse, the physician and rapid response at once;
    /// 5–6 the nurse and the physician; low the nurse.
    @Test func aNewAlertTellsTheLevelsItsPriorityCallsForAtOnce() {
        let (high, raisedHigh) = AlertLifecycle.raise(condition(.high), patient: "p", now: at(0), policy: policy)
        #expect(raisedHigh == [.init(kind: .raised, at: at(0), notifyLevel: 2, detail: "NEWS2 7")])
        #expect(high.escalation == 2 && high.nextRenotify == at(120) && high.nextEscalation == nil)
        let (medium, raisedMedium) = AlertLifecycle.raise(condition(.medium, total: 5), patient: "p", now: at(0), policy: policy)
        #expect(raisedMedium.first?.notifyLevel == 1 && medium.escalation == 1 && medium.nextEscalation == at(900))
        let (low, raisedLow) = AlertLifecycle.raise(condition(.low, kind: "fever"), patient: "p", now: at(0), policy: policy)
        #expect(raisedLow.first?.notifyLevel == 0 && low.nextEscalation == nil)
        let (silent, raisedSilent) = AlertLifecycle.raise(condition(.medium, kind: "device-silent"), patient: "p", now: at(0), policy: policy)
        #expect(raisedSilent.first?.notifyLevel == 0 && silent.escalation == 0)
    }

    /// Escalation adds a level at a time (transitions notify levels 0 through `notifyLevel`) up to
    /// the last resort, skipping those who acknowledged.
    @Test func unansweredItEscalatesLevelByLevelToTheLastResort() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.medium, total: 5), patient: "p", now: at(0), policy: policy)
        #expect(try step(&alert, .tick, 299).isEmpty)
        #expect(try step(&alert, .tick, 300).map(\.kind) == [.renotified])
        // The nurse acknowledges: medium is answered by a physician, so it still escalates.
        _ = try step(&alert, .acknowledge(by: "user/nina", level: 0), 400)
        let escalated = try step(&alert, .tick, 900)
        #expect(escalated.map(\.kind) == [.escalated] && escalated.first?.notifyLevel == 2 && escalated.first?.except == ["user/nina"])
        #expect(alert.escalation == 2 && alert.nextEscalation == nil)
        #expect(try step(&alert, .tick, 1200).map(\.kind) == [.renotified])
        #expect(alert.escalation == 2)
    }

    /// A nurse's acknowledgement does not silence the others' reminders; a physician's answers
    /// the alert: no more escalation or reminders.
    @Test func aPhysiciansAcknowledgementAnswersIt() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.medium, total: 5), patient: "p", now: at(0), policy: policy)
        _ = try step(&alert, .acknowledge(by: "user/nina", level: 0), 30)
        let reminder = try step(&alert, .tick, 300)
        #expect(reminder.map(\.kind) == [.renotified] && reminder.first?.except == ["user/nina"])
        let ack = try step(&alert, .acknowledge(by: "user/doc", level: 1), 360)
        #expect(ack == [.init(kind: .acknowledged, at: at(360), actor: "user/doc")])
        #expect(alert.status == .acknowledged && alert.nextDue == nil && AlertLifecycle.isAnswered(alert, policy: policy))
        #expect(alert.acknowledgements.last == .init(by: "user/doc", at: at(360), level: 1))
        #expect(try step(&alert, .tick, 3600).isEmpty)
        var silencing = EscalationPolicy.standard
        silencing.acknowledgementSilencesAll = true
        let (fresh, _) = AlertLifecycle.raise(condition(.high), patient: "p", now: at(0), policy: silencing)
        let (acked, _) = try AlertLifecycle.apply(.acknowledge(by: "user/nina", level: 0), to: fresh, now: at(10), policy: silencing)
        #expect(acked.nextRenotify == nil)
    }

    /// An upgrade clears earlier acknowledgements (the nurse who acknowledged the medium alert is
    /// told again) and tells the levels of the new priority.
    @Test func anUpgradeClearsAcknowledgementsAndTellsTheNewLevels() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.low, kind: "fever"), patient: "p", now: at(0), policy: policy)
        _ = try step(&alert, .acknowledge(by: "user/nina", level: 0), 30)
        let upgrade = try step(&alert, .worsen(condition(.high)), 60)
        #expect(upgrade.map(\.kind) == [.upgraded] && upgrade.first?.notifyLevel == 2 && upgrade.first?.except == [])
        #expect(alert.priority == .high && alert.status == .active && alert.acknowledgements.isEmpty && alert.kind == "news2")
        #expect(try step(&alert, .tick, 180).first?.except == [])
        #expect(try step(&alert, .update(condition(.medium, total: 5)), 190).map(\.kind) == [.updated])
        #expect(alert.priority == .high && alert.message == "NEWS2 5")
    }

    /// A worse score within the same priority tells everyone told so far again.
    @Test func aWorseningWithinThePriorityNotifiesAgain() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.high), patient: "p", now: at(0), policy: policy)
        _ = try step(&alert, .acknowledge(by: "user/nina", level: 0), 30)
        let worse = try step(&alert, .worsen(condition(.high, total: 9)), 60)
        #expect(worse == [.init(kind: .worsened, at: at(60), notifyLevel: 2, detail: "NEWS2 9")])
        #expect(alert.message == "NEWS2 9" && alert.values["total"] == 9 && alert.acknowledgements.count == 1)
    }

    @Test func aClearedConditionResolvesWithAnAllClear() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.medium, total: 5), patient: "p", now: at(0), policy: policy)
        let clear = try step(&alert, .clear(values: ["total": 2]), 400)
        #expect(clear == [.init(kind: .resolved, at: at(400), notifyLevel: 1, allClear: true, detail: "the condition cleared")])
        #expect(alert.status == .resolved && alert.resolution?.by == nil && alert.nextDue == nil)
        #expect(throws: AlertLifecycle.Refusal.self) { try step(&alert, .acknowledge(by: "user/x", level: 0), 500) }
    }

    @Test func aPersonResolvesWithAReason() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.low, kind: "fever"), patient: "p", now: at(0), policy: policy)
        #expect(alert.nextEscalation == nil)
        let resolved = try step(&alert, .resolve(by: "user/doc", reason: "sensor off the finger"), 10)
        #expect(resolved.first?.actor == "user/doc" && alert.resolution?.reason == "sensor off the finger")
    }

    /// A restart in the middle: the stored alert (timers included) is all the state; ticking it
    /// after the restart continues where it was.
    @Test func aRestartInTheMiddleContinuesTheSchedule() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.medium, total: 5), patient: "p", now: at(0), policy: policy)
        _ = try step(&alert, .tick, 300)
        var reloaded = alert
        #expect(try step(&reloaded, .tick, 500).isEmpty)
        #expect(try step(&reloaded, .tick, 900).map(\.kind) == [.escalated])
    }

    /// A handoff tells the incoming, drops the outgoing's acknowledgement and, if that answered the
    /// alert, starts reminders and escalation again; the escalation clock of an unanswered alert runs on.
    @Test func aHandoffPassesTheAlertOnAndTheLeaversAcknowledgementLapses() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.medium, total: 5), patient: "p", now: at(0), policy: policy)
        _ = try step(&alert, .acknowledge(by: "user/doc", level: 1), 60)
        _ = try step(&alert, .acknowledge(by: "user/nina", level: 0), 70)
        #expect(alert.nextRenotify == nil && alert.nextEscalation == nil, "answered by the physician")
        let handoff = try step(&alert, .handOver(from: ["user/doc"], to: ["user/olive"], staying: ["user/nina"], record: "r"), 120)
        #expect(handoff == [AlertTransition(kind: .handedOver, at: at(120), notifyLevel: 1, except: ["user/nina"], detail: "r")])
        #expect(alert.acknowledgements.map(\.by) == ["user/nina"] && alert.status == .acknowledged)
        #expect(alert.nextRenotify == at(420) && alert.nextEscalation == at(1020), "no longer answered: reminded and escalated again")
        #expect(try step(&alert, .tick, 1020).map(\.kind) == [.escalated])

        var (running, _) = AlertLifecycle.raise(condition(.medium, total: 5), patient: "p", now: at(0), policy: policy)
        _ = try step(&running, .handOver(from: ["user/nina"], to: ["user/nate"], staying: [], record: "r"), 600)
        #expect(running.status == .active && running.nextRenotify == at(900) && running.nextEscalation == at(900), "escalation is not put off")
    }

    @Test func nobodyOnDutyEscalatesAtOnceButNeverBeyondTheLastResort() throws {
        var (alert, _) = AlertLifecycle.raise(condition(.low, kind: "fever"), patient: "p", now: at(0), policy: policy)
        let escalated = try step(&alert, .escalateNow(to: 1, reason: "nobody on duty at level 0"), 30)
        #expect(escalated.map(\.notifyLevel) == [1] && escalated.first?.detail == "level 1: physician; nobody on duty at level 0")
        #expect(alert.escalation == 1)
        #expect(try step(&alert, .escalateNow(to: 1, reason: "r"), 31).isEmpty, "not twice")
        #expect(try step(&alert, .escalateNow(to: 3, reason: "r"), 32).isEmpty, "no level beyond the last")
        #expect(
            try step(&alert, .escalateNow(to: 2, reason: "e-mails to user/doc keep failing"), 33).first?.detail
                == "level 2: rapid response; e-mails to user/doc keep failing")
    }
}
