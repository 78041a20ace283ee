public import VigilCore

extension CohortDefinition {
    /// What this definition says of `patient` at `now` (milliseconds; ages in whole years on that
    /// day). Many patients on one day: pass `today` (``Birth/day(of:)``) to read it once.
    public func evaluate(_ patient: PopulationRecord, at now: Int64, today: (year: Int, month: Int, day: Int)? = nil) -> CohortMembership {
        let today = today ?? Birth.day(of: now)
        var risks: [String] = []
        var unknown: [String] = []
        if readsAge {
            if let birth = patient.birth.flatMap(Birth.init(fhirDate:)) {
                let age = ageRisk(birth, on: today)
                if age.below, let below = risk.ageBelowYears { risks.append("age under \(below)") }
                if age.from, let from = risk.ageFromYears { risks.append("age \(from) and over") }
            } else {
                unknown.append("age")
            }
        }
        for set in risk.conditions where patient.conditions.contains(where: { code in set.codes.contains { $0.matches(code) } }) {
            risks.append(set.name)
        }
        if let threshold = risk.bmiAtLeast, let bmi = patient.bmi, bmi >= threshold {
            risks.append("BMI \(threshold.formatted) and over")
        }
        let doses = patient.doses.filter { dose in dose.time <= now && protection.vaccines.contains { $0.matches(dose.code) } }
            .map(\.time).sorted()
        return CohortMembership(risks: risks, unknown: unknown, isProtected: isProtected(by: doses, at: now), lastDose: doses.last)
    }

    /// Whether age rules put anyone at risk (then an unread age is said, not taken as no risk).
    var readsAge: Bool { risk.ageBelowYears != nil || risk.ageFromYears != nil }

    /// Which age rules `birth` meets on `today`. A birth date without its day allows a range of
    /// ages: either end puts one at risk.
    func ageRisk(_ birth: Birth, on today: (year: Int, month: Int, day: Int)) -> (below: Bool, from: Bool) {
        let earliest = birth.partial.flatMap(FHIRDateTime.init).map { FHIRDateTime.date(milliseconds: $0.lowerBound) }
        let youngest = birth.ageInMonths(on: today) / 12
        let oldest = earliest.flatMap(Birth.init(fhirDate:)).map { $0.ageInMonths(on: today) / 12 } ?? youngest
        return (risk.ageBelowYears.map { youngest < $0 } ?? false, risk.ageFromYears.map { oldest >= $0 } ?? false)
    }

    /// Whether enough doses, far enough apart, fall within the window (doses sorted, none after `now`).
    func isProtected(by doses: [Int64], at now: Int64) -> Bool {
        let day: Int64 = 86_400_000
        let window = protection.withinDays.map { now - Int64($0) * day } ?? .min
        var counted: [Int64] = []
        for dose in doses where dose >= window {
            if let previous = counted.last, dose - previous < Int64(protection.minimumIntervalDays) * day { continue }
            counted.append(dose)
        }
        return counted.count >= protection.doses
    }
}

extension Double {
    /// `40`, `37.5`: as a threshold is written.
    fileprivate var formatted: String { rounded() == self ? String(Int(self)) : String(self) }
}
