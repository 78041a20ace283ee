public import VigilCore

extension CohortDefinition {
    /// Counts this definition's members among everyone in `table` at `now`, as
    /// ``CohortReport/tally`` counts those of ``evaluate(_:at:today:)``, without making a record of
    /// anyone: what is read per person is decided once per birth date, postal code and code.
    public func tally(_ table: PopulationTable, at now: Int64) -> CohortTally {
        let verdicts = TableVerdicts(self, table, at: now)
        let bands = [CohortReport.ageBand(nil)] + CohortReport.ageBands.map(\.label)
        let today = Birth.day(of: now)
        let bandOfBirth = verdicts.births.map { birth in
            birth.map { bands.firstIndex(of: CohortReport.ageBand($0.ageInMonths(on: today) / 12))! } ?? 0
        }
        // Members per postal code (the last for none) and band (the first for unknown).
        var counts = [Int](repeating: 0, count: (table.areas.values.count + 1) * bands.count)
        var undetermined = 0
        for case let person? in table.people {
            switch verdicts.verdict(person) {
            case .member:
                counts[Int(person.area ?? Int32(table.areas.values.count)) * bands.count + (person.birth.map { bandOfBirth[Int($0)] } ?? 0)] += 1
            case .undetermined: undetermined += 1
            case .outside: break
            }
        }
        var tally: [String: [String: Int]] = [:]
        for (index, count) in counts.enumerated() where count > 0 {
            let area = index / bands.count
            let name = area < table.areas.values.count ? String(table.areas.values[area].prefix(CohortReport.areaPrefix)) : "unknown"
            tally[name, default: [:]][bands[index % bands.count], default: 0] += count
        }
        return CohortTally(definition: self, counts: tally, undetermined: undetermined)
    }

    /// The patients (`ID`) of `table` who are members at `now`: at risk and not protected. Those
    /// whose age could not be read, and so are undetermined, are not.
    public func members(_ table: PopulationTable, at now: Int64) -> Set<String> {
        let verdicts = TableVerdicts(self, table, at: now)
        var members: Set<String> = []
        for (patient, person) in table.everyone where verdicts.verdict(person) == .member { members.insert(patient) }
        return members
    }
}

/// A definition's verdict on each person of a table at a time, with what it reads of birth dates
/// and codes decided once for the table.
private struct TableVerdicts {
    enum Verdict { case member, undetermined, outside }

    let definition: CohortDefinition
    let now: Int64
    let births: [Birth?]
    /// Per birth date: whether the age puts someone at risk; nil when the age cannot be read.
    let ageRisks: [Bool?]
    /// Per code: whether a condition with it puts someone at risk; whether a dose of it protects.
    let riskCodes: [Bool]
    let protecting: [Bool]

    init(_ definition: CohortDefinition, _ table: PopulationTable, at now: Int64) {
        let today = Birth.day(of: now)
        (self.definition, self.now) = (definition, now)
        births = table.births.values.map { Birth(fhirDate: $0) }
        ageRisks = births.map { birth in birth.map { definition.ageRisk($0, on: today) }.map { $0.below || $0.from } }
        riskCodes = table.codes.values.map { code in definition.risk.conditions.contains { $0.codes.contains { $0.matches(code) } } }
        protecting = table.codes.values.map { code in definition.protection.vaccines.contains { $0.matches(code) } }
    }

    func verdict(_ person: PopulationTable.Person) -> Verdict {
        let ageRisk = person.birth.flatMap { ageRisks[Int($0)] }
        let unknownAge = definition.readsAge && ageRisk == nil
        let atRisk =
            (definition.readsAge && ageRisk == true) || person.conditions.contains { riskCodes[Int($0)] }
            || (definition.risk.bmiAtLeast.map { threshold in person.bmi.map { $0 >= threshold } ?? false } ?? false)
        guard atRisk || unknownAge else { return .outside }
        let doses = person.doses.filter { $0.time <= now && protecting[Int($0.code)] }.map(\.time).sorted()
        if definition.isProtected(by: doses, at: now) { return .outside }
        return atRisk ? .member : .undetermined
    }
}
