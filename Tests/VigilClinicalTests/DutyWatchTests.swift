import Foundation
import Testing
import VigilCore

@testable import VigilClinical

/// Who holds each open alert, seen tick by tick: a change of those on duty is a handoff, nobody on
/// duty an escalation at once.
@Suite struct DutyWatchTests {
    let policy = EscalationPolicy.standard

    /// Day nurse 07:00–19:00 UTC, night nurse 19:00–07:00, a physician without hours.
    static let ward: DutyRoster = {
        func hours(_ start: String, _ end: String) -> [DutyRoster.RoleHours] {
            [
                .init(
                    role: "PractitionerRole/\(start)",
                    hours: try! DutyHours(
                        availableTime: [["availableStartTime": .string(start), "availableEndTime": .string(end)]], notAvailable: [],
                        timeZone: .gmt))
            ]
        }
        return DutyRoster([
            .init(account: "user/nina", level: 0, hours: hours("07:00:00", "19:00:00")),
            .init(account: "user/nate", level: 0, hours: hours("19:00:00", "07:00:00")), .init(account: "user/doc", level: 1),
        ])
    }()

    static func at(_ instant: String) -> Int64 { FHIRDateTime(instant)!.lowerBound }

    func alert(escalation: Int = 0, acknowledgedBy: String? = nil) -> Alert {
        var alert = Alert(
            id: 7, patient: "p1", key: "k", kind: "news2", priority: .medium, raised: Self.at("2026-03-03T18:00:00Z"),
            updated: Self.at("2026-03-03T18:00:00Z"), message: "NEWS2 5", values: .null)
        alert.escalation = escalation
        if let acknowledgedBy { alert.acknowledgements = [.init(by: acknowledgedBy, at: alert.raised, level: 0)] }
        return alert
    }

    @Test func aShiftChangeIsAHandoffOnceAndTheFirstSightIsNone() {
        var watch = DutyWatch()
        let alert = alert(escalation: 1)
        #expect(watch.staffing(of: alert, roster: Self.ward, at: Self.at("2026-03-03T18:59:59Z"), policy: policy) == nil, "first sight")
        #expect(watch.staffing(of: alert, roster: Self.ward, at: Self.at("2026-03-03T18:59:59Z"), policy: policy) == nil)
        let change = watch.staffing(of: alert, roster: Self.ward, at: Self.at("2026-03-03T19:00:00Z"), policy: policy)
        #expect(change?.handoff == DutyWatch.Handoff(from: ["user/nina"], to: ["user/nate"], staying: ["user/doc"]))
        #expect(change?.escalateTo == nil)
        #expect(watch.staffing(of: alert, roster: Self.ward, at: Self.at("2026-03-03T19:00:01Z"), policy: policy) == nil, "once")
        // Seen at another level: remembered, not a handoff.
        #expect(watch.staffing(of: self.alert(escalation: 2), roster: Self.ward, at: Self.at("2026-03-03T19:00:02Z"), policy: policy) == nil)
    }

    @Test func nobodyOnDutyEscalatesToTheFirstLevelWithSomeone() {
        var watch = DutyWatch()
        let nobodyAtNight = DutyRoster(Self.ward.members.filter { $0.account != "user/nate" })
        _ = watch.staffing(of: alert(), roster: nobodyAtNight, at: Self.at("2026-03-03T18:00:00Z"), policy: policy)
        let change = watch.staffing(of: alert(), roster: nobodyAtNight, at: Self.at("2026-03-03T19:00:00Z"), policy: policy)
        #expect(change?.handoff == .init(from: ["user/nina"], to: [], staying: []) && change?.escalateTo == 1)
        #expect(
            change?.events(record: "r")
                == [.handOver(from: ["user/nina"], to: [], staying: [], record: "r"), .escalateNow(to: 1, reason: "nobody on duty at level 0")])
        // The leaver's acknowledgement does not count; another's that answers the alert does.
        var fresh = DutyWatch()
        let answered = alert(acknowledgedBy: "user/doc")
        var physician = answered
        physician.acknowledgements[0].level = 1
        _ = fresh.staffing(of: physician, roster: nobodyAtNight, at: Self.at("2026-03-03T18:00:00Z"), policy: policy)
        #expect(fresh.staffing(of: physician, roster: nobodyAtNight, at: Self.at("2026-03-03T19:00:00Z"), policy: policy)?.escalateTo == nil)
        // A team without accounts is not watched.
        #expect(watch.staffing(of: alert(), roster: DutyRoster([]), at: Self.at("2026-03-03T19:00:00Z"), policy: policy) == nil)
    }

    @Test func theRecordSaysWhatWasOpenWhoAcknowledgedAndTheComments() {
        let handoff = DutyWatch.Handoff(from: ["user/nina"], to: ["user/nate"], staying: [])
        let history = [
            AlertHistoryEntry(kind: .raised, at: Self.at("2026-03-03T18:00:00Z"), actor: nil, detail: "NEWS2 5", recipients: []),
            AlertHistoryEntry(kind: .commented, at: Self.at("2026-03-03T18:30:00Z"), actor: "user/nina", detail: "fluids", recipients: []),
        ]
        #expect(
            handoff.record(of: alert(acknowledgedBy: "user/nina"), history: history)
                == #"from user/nina to user/nate; open since 2026-03-03T18:00:00Z: NEWS2 5; acknowledged by user/nina at 2026-03-03T18:00:00Z; comments: user/nina at 2026-03-03T18:30:00Z "fluids""#
        )
        #expect(handoff.record(of: alert(), history: []).hasSuffix("; not acknowledged"))
    }
}
