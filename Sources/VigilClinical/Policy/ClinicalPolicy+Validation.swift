import VigilCore

extension ClinicalPolicy {
    /// What is wrong with this policy, if anything: a document can be valid JSON and still be
    /// unusable (an unknown role to escalate to, a table out of order, a negative duration).
    public var problems: [String] {
        var problems: [String] = []
        if version.isEmpty { problems.append("version is empty") }
        if freshnessSeconds <= 0 || assessmentFreshnessSeconds <= 0 { problems.append("freshness windows must be positive") }
        let roles = Set(Role.allCases.map(\.rawValue))
        if escalation.levels.isEmpty { problems.append("escalation.levels needs at least one level") }
        for (index, level) in escalation.levels.enumerated() {
            if level.isEmpty { problems.append("escalation.levels[\(index)] is empty") }
            for role in level where !roles.contains(role) {
                problems.append("escalation.levels[\(index)]: \(role) is not a role (\(roles.sorted().joined(separator: ", ")))")
            }
        }
        for (priority, seconds) in escalation.renotifySeconds.merging(escalation.escalateSeconds, uniquingKeysWith: min) where seconds <= 0 {
            problems.append("escalation times for \(priority.rawValue) must be positive")
        }
        let tables: [(String, BandTable)] = [
            ("news2.respirationRate", news2.respirationRate), ("news2.spo2Scale1", news2.spo2Scale1),
            ("news2.spo2Scale2OnAir", news2.spo2Scale2OnAir), ("news2.spo2Scale2OnOxygen", news2.spo2Scale2OnOxygen),
            ("news2.systolicBP", news2.systolicBP), ("news2.pulse", news2.pulse), ("news2.temperature", news2.temperature),
        ]
        for (name, table) in tables where zip(table.bands, table.bands.dropFirst()).contains(where: { $0.upTo >= $1.upTo }) {
            problems.append("\(name): bands must rise")
        }
        for rule in thresholds {
            if rule.codes.isEmpty { problems.append("thresholds \(rule.id): no codes") }
            if rule.sustainedSeconds < 0 { problems.append("thresholds \(rule.id): sustainedSeconds is negative") }
            let clearsInside = rule.direction == .below ? rule.clearAt >= rule.limit : rule.clearAt <= rule.limit
            if !clearsInside { problems.append("thresholds \(rule.id): clearAt must be at or inside the limit") }
        }
        if Set(thresholds.map(\.id)).count != thresholds.count { problems.append("threshold ids must be unique") }
        return problems
    }
}
