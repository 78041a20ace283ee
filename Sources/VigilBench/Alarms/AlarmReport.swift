import Foundation
import VigilClinical
import VigilCore
import VigilSimulator

/// What `vigil bench alarms` measured: false alerts of stable patients per patient-day, how soon a
/// deterioration's high alert came after its NEWS2 reached 7, alerts per episode, and
/// re-notifications per alert.
public struct AlarmReport: Sendable {
    public let options: AlarmBenchmark.Options
    let outcomes: [VirtualPatient.Outcome]
    public let seconds: Double

    var stable: [VirtualPatient.Outcome] { outcomes.filter { $0.plan.deteriorationStart == nil } }
    var deteriorating: [VirtualPatient.Outcome] { outcomes.filter { $0.plan.deteriorationStart != nil } }

    public var stablePatientDays: Double { stable.reduce(0) { $0 + $1.plan.hours / 24 } }

    /// Clinical alerts of stable patients that reached `priority` (and no higher).
    func falseAlerts(_ priority: Priority) -> [AlertLedger.Record] {
        stable.flatMap(\.alerts).filter { $0.clinical && $0.highest == priority }
    }

    public var highPerPatientDay: Double { Double(falseAlerts(.high).count) / stablePatientDays }
    public var mediumPerPatientDay: Double { Double(falseAlerts(.medium).count) / stablePatientDays }
    public var technicalPerPatientDay: Double { Double(stable.flatMap(\.alerts).count { !$0.clinical }) / stablePatientDays }

    /// For each deterioration: minutes from its true NEWS2 reaching 7 to its first high alert
    /// (nil: none), and from the start of its course.
    public var delays: [(afterSeven: Double?, afterStart: Double?)] {
        deteriorating.map { outcome in
            let start = outcome.start + Int64((outcome.plan.deteriorationStart ?? 0) * 3_600_000)
            let high = outcome.alerts.filter { $0.clinical && ($0.firstHigh ?? .max) >= start }.compactMap(\.firstHigh).min()
            return (
                high.flatMap { h in outcome.news2ReachedSeven.map { Double(h - $0) / 60_000 } }, high.map { Double($0 - start) / 60_000 }
            )
        }
    }

    /// Clinical alerts raised from the start of each deterioration, per deterioration.
    public var alertsPerEpisode: Double {
        let counts = deteriorating.map { outcome in
            let start = outcome.start + Int64((outcome.plan.deteriorationStart ?? 0) * 3_600_000)
            return outcome.alerts.count { $0.clinical && $0.raised >= start }
        }
        return Double(counts.reduce(0, +)) / Double(max(counts.count, 1))
    }

    public var renotificationsPerAlert: Double {
        let alerts = outcomes.flatMap(\.alerts)
        return Double(alerts.reduce(0) { $0 + $1.renotifications }) / Double(max(alerts.count, 1))
    }

    /// The kinds of condition behind stable patients' false alerts of `priority`, most frequent first.
    func causes(_ priority: Priority) -> String {
        var counts: [String: Int] = [:]
        for alert in falseAlerts(priority) { for key in alert.named.keys { counts[key, default: 0] += 1 } }
        return counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { "\($0.key) \($0.value)" }.joined(
            separator: ", ")
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return nil }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    static func minutes(_ values: [Double]) -> String {
        guard let low = values.min(), let high = values.max() else { return "none" }
        return String(
            format: "min %.1f, median %.1f, p90 %.1f, max %.1f min", low, percentile(values, 0.5)!, percentile(values, 0.9)!, high)
    }

    /// One line for a comparison table.
    public var line: String {
        let after = delays.compactMap(\.afterSeven)
        return String(
            format: "high %.3f/pd  medium %.3f/pd  technical %.2f/pd  high alert after NEWS2 7: median %.1f, max %.1f min (%d/%d within 30)  "
                + "alerts/episode %.2f  re-notifications/alert %.2f",
            highPerPatientDay, mediumPerPatientDay, technicalPerPatientDay, Self.percentile(after, 0.5) ?? .nan, after.max() ?? .nan,
            after.count { $0 <= 30 }, delays.count, alertsPerEpisode, renotificationsPerAlert)
    }

    /// The artefacts, episodes and staff of the run, in words.
    var settings: String {
        let a = options.artefacts, episodes = options.policy.episodes
        let artefacts =
            a.probeOffPerDay + a.motionPerDay + a.silentPerDay + a.duplicateShare == 0
            ? "off"
            : "probe off \(a.probeOffPerDay)/day × \(a.probeOffMinutes) min, motion \(a.motionPerDay)/day × \(a.motionMinutes) min, "
                + "silent \(a.silentPerDay)/day × \(a.silentMinutes) min, duplicates \(a.duplicateShare)"
        return "artefacts \(artefacts); noise ×\(a.noiseScale); episodes \(episodes.groups.isEmpty ? "off" : "on"), band hold "
            + "\(episodes.bandHoldSeconds) s; staff acknowledge after \(options.staff.nurseMinutes) min (nurse), \(options.staff.physicianMinutes) min (physician)"
    }

    public var text: String {
        let children = stable.count { $0.plan.ageYears < 16 }
        let readings = outcomes.reduce(0) { $0 + $1.readings }
        let after = delays.compactMap(\.afterSeven), fromStart = delays.compactMap(\.afterStart)
        let population = String(format: "%.0f stable patient-days", stablePatientDays)
        return [
            "Vigil alarm bench (virtual clock): \(population) (\(stable.count - children) adults, \(children) children), "
                + "\(deteriorating.count) scripted deteriorations; \(readings) readings in \(String(format: "%.1f", seconds)) s",
            "  settings:    \(settings)",
            String(
                format: "  stable:      high %.3f per patient-day (goal ≤ 0.1), medium %.3f (goal ≤ 1), technical %.2f", highPerPatientDay,
                mediumPerPatientDay, technicalPerPatientDay),
            "               false high alerts by condition: \(causes(.high).isEmpty ? "none" : causes(.high))",
            "               false medium alerts by condition: \(causes(.medium).isEmpty ? "none" : causes(.medium))",
            "  deterioration: first high alert after the true NEWS2 reached 7: \(Self.minutes(after)); "
                + "\(after.count { $0 <= 30 }) of \(delays.count) within 30 min (goal: all)",
            "               after the deterioration began: \(Self.minutes(fromStart))",
            String(format: "  alerts per episode: %.2f (goal ≤ 1.2); re-notifications per alert: %.2f", alertsPerEpisode, renotificationsPerAlert),
        ].joined(separator: "\n")
    }
}
