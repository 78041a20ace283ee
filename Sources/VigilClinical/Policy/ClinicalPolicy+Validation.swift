import VigilCore

extension ClinicalPolicy {
    /// What is wrong with this policy, if anything: a document can be valid JSON and still be
    /// unusable (an unknown role to escalate to, a table out of order, a negative duration).
    public var problems: [String] {
        var problems: [String] = []
        if version.isEmpty { problems.append("version is empty") }
        if freshnessSeconds <= 0 || assessmentFreshnessSeconds <= 0 { problems.append("freshness windows must be positive") }
        if clockToleranceSeconds < 0 || scoreSmoothingSeconds < 0 {
            problems.append("clockToleranceSeconds and scoreSmoothingSeconds must not be negative")
        }
        // Alerts go to people who care for the patient: never to administrators, public health or research.
        let careRoles = Set(Role.allCases.filter(\.isCareRole).map(\.rawValue))
        if escalation.levels.isEmpty { problems.append("escalation.levels needs at least one level") }
        for (index, level) in escalation.levels.enumerated() {
            if level.roles.isEmpty && level.teamRoles.isEmpty { problems.append("escalation.levels[\(index)] names nobody") }
            for role in level.roles where !careRoles.contains(role) {
                problems.append("escalation.levels[\(index)]: \(role) is not a care role (\(careRoles.sorted().joined(separator: ", ")))")
            }
        }
        for (name, response) in [("escalation.response", escalation.response)]
            + escalation.responseByKind.map({ ("escalation.responseByKind.\($0.key)", $0.value) })
        {
            for (priority, level) in response.notifyThrough.merging(response.answeredBy, uniquingKeysWith: max)
            where level < 0 || level >= escalation.levels.count {
                problems.append("\(name): level \(level) for \(priority.rawValue) is not one of the \(escalation.levels.count) levels")
            }
        }
        problems += commands.problems
        if episodes.bandHoldSeconds < 0 { problems.append("episodes.bandHoldSeconds is negative") }
        if Set(episodes.groups.map(\.id)).count != episodes.groups.count { problems.append("episodes.groups ids must be unique") }
        for (kind, points) in episodes.worsenBy where points <= 0 { problems.append("episodes.worsenBy.\(kind) must be positive") }
        if glucose.minimumSamples < 3 { problems.append("glucose.minimumSamples must be at least 3") }
        if glucose.forecastConfidence < 0 || glucose.forecastNoiseFloor < 0 {
            problems.append("glucose forecast confidence and noise floor must not be negative")
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
