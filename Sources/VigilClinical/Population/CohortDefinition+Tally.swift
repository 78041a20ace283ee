public import VigilCore

extension CohortDefinition {
    /// Counts this definition's members among everyone in `table` at `now`, as
    /// ``CohortReport/tally`` counts those of ``evaluate(_:at:today:)``, without making a record of
    /// anyone: what is read per person is decided once per birth date, postal code and code.
    public func tally(_ table: PopulationTable, at now: Int64) -> CohortTally {
        let today = Birth.day(of: now)
        let births = table.births.values.map { Birth(fhirDate: $0) }
        let ageRisks = births.map { birth in birth.map { ageRisk($0, on: today) }.map { $0.below || $0.from } }
        let bands = [CohortReport.ageBand(nil)] + CohortReport.ageBands.map(\.label)
        let bandOfBirth = births.map { birth in birth.map { bands.firstIndex(of: CohortReport.ageBand($0.ageInMonths(on: today) / 12))! } ?? 0 }
        let riskCodes = table.codes.values.map { code in risk.conditions.contains { $0.codes.contains { $0.matches(code) } } }
        let protecting = table.codes.values.map { code in protection.vaccines.contains { $0.matches(code) } }
        // Members per postal code (the last for none) and band (the first for unknown).
        var counts = [Int](repeating: 0, count: (table.areas.values.count + 1) * bands.count)
        var undetermined = 0
        for case let person? in table.people {
            let ageRisk = person.birth.flatMap { ageRisks[Int($0)] }
            let unknownAge = readsAge && ageRisk == nil
            let atRisk =
                (readsAge && ageRisk == true) || person.conditions.contains { riskCodes[Int($0)] }
                || (risk.bmiAtLeast.map { threshold in person.bmi.map { $0 >= threshold } ?? false } ?? false)
            guard atRisk || unknownAge else { continue }
            let doses = person.doses.filter { $0.time <= now && protecting[Int($0.code)] }.map(\.time).sorted()
            if isProtected(by: doses, at: now) { continue }
            if atRisk {
                counts[Int(person.area ?? Int32(table.areas.values.count)) * bands.count + (person.birth.map { bandOfBirth[Int($0)] } ?? 0)] += 1
            } else {
                undetermined += 1
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
}
