import Testing
import VigilCore

@testable import VigilClinical

/// Board ranking: priority, then escalation, then unacknowledged count, then score, then trend,
/// then who has waited longest.
@Suite struct UrgencyTests {
    static func alert(_ priority: Priority, status: Alert.Status = .active, escalation: Int = 0, raised: Int64 = 0) -> Alert {
        Alert(
            patient: "p", key: "k\(raised)", kind: "news2", priority: priority, status: status, escalation: escalation, raised: raised,
            updated: raised, message: "", values: nil)
    }

    @Test func eachKeyDecidesOnlyWhenTheOnesBeforeItTie() {
        let ladder: [Urgency] = [
            Urgency(openAlerts: [Self.alert(.high, escalation: 1)], score: 2, trend: .falling),
            Urgency(openAlerts: [Self.alert(.high), Self.alert(.high, raised: 5)], score: 1, trend: nil),
            Urgency(openAlerts: [Self.alert(.high, raised: 1)], score: 9, trend: nil),
            Urgency(openAlerts: [Self.alert(.high, raised: 2)], score: 8, trend: .rising),
            Urgency(openAlerts: [Self.alert(.high, raised: 1)], score: 8, trend: .steady),
            Urgency(openAlerts: [Self.alert(.high, raised: 2)], score: 8, trend: .steady),
            Urgency(openAlerts: [Self.alert(.high, raised: 1)], score: 8, trend: .falling),
            Urgency(openAlerts: [Self.alert(.medium), Self.alert(.low)], score: 12, trend: .rising),
            Urgency(openAlerts: [Self.alert(.low, status: .acknowledged)], score: 20, trend: .rising),
            Urgency(openAlerts: [], score: 4, trend: .rising),
            Urgency(openAlerts: [], score: 4, trend: nil),
            Urgency(openAlerts: [], score: 0, trend: nil),
            Urgency(openAlerts: [], score: nil, trend: nil),
        ]
        for (i, a) in ladder.enumerated() {
            for (j, b) in ladder.enumerated() {
                #expect(a.isMoreUrgent(than: b) == (i < j), "\(i) vs \(j)")
            }
        }
        #expect(ladder.shuffled().sorted { $0.isMoreUrgent(than: $1) } == ladder)
    }

    @Test func theTopPriorityAlertsSetEscalationAndWaitingTime() {
        let urgency = Urgency(
            openAlerts: [
                Self.alert(.medium, escalation: 2, raised: 1), Self.alert(.high, status: .acknowledged, raised: 9),
                Self.alert(.high, escalation: 1, raised: 7),
            ], score: nil, trend: nil)
        #expect(urgency == Urgency(topPriority: .high, escalation: 1, unacknowledged: 1, waitingSince: 7))
    }

    @Test func theTrendComparesTheLastTwoTotals() {
        #expect(Trend([]) == nil)
        #expect(Trend([3]) == nil)
        #expect(Trend([3, 5]) == .rising)
        #expect(Trend([5, 5]) == .steady)
        #expect(Trend([9, 5, 4]) == .falling)
    }
}
