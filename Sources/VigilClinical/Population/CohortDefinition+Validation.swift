extension CohortDefinition {
    /// What is wrong with this definition, if anything: valid JSON can still be unusable (no rule
    /// at all, no vaccine, a dose count below one).
    public var problems: [String] {
        var problems: [String] = []
        if name.isEmpty || !name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }) || !name.allSatisfy(\.isASCII) {
            problems.append("name must be lowercase letters, digits and hyphens (it is the path /api/cohorts/NAME)")
        }
        if name == Self.unvaccinatedHighRisk { problems.append("\(name) is built per request from its vaccine parameter") }
        if version.isEmpty { problems.append("\(name): version is empty") }
        if risk.ageBelowYears == nil && risk.ageFromYears == nil && risk.conditions.isEmpty && risk.bmiAtLeast == nil {
            problems.append("\(name): risk has no rule")
        }
        if [risk.ageBelowYears, risk.ageFromYears].contains(where: { ($0 ?? 0) < 0 }) { problems.append("\(name): ages must not be negative") }
        for set in risk.conditions where set.codes.isEmpty || set.name.isEmpty {
            problems.append("\(name): every condition set needs a name and codes")
        }
        if protection.vaccines.isEmpty { problems.append("\(name): protection names no vaccine") }
        if protection.doses < 1 { problems.append("\(name): protection needs at least one dose") }
        if protection.minimumIntervalDays < 0 || (protection.withinDays ?? 1) < 1 {
            problems.append("\(name): minimumIntervalDays must not be negative and withinDays must be positive")
        }
        return problems
    }
}
