public import VigilCore

extension CohortDefinition {
    /// What the store must answer for this definition at `now`: the patients of `panel`, or across
    /// the whole population everyone a risk rule could count. Age cut-offs are widened by a day and
    /// a leap day per year, so the store answers a few more than the rules count, never fewer;
    /// ``evaluate(_:at:)`` decides.
    public func query(at now: Int64, panel: Set<String>? = nil) -> PopulationQuery {
        let day: Int64 = 86_400_000
        return PopulationQuery(
            patients: panel,
            bornAfter: risk.ageBelowYears.map { now - Int64($0) * 366 * day - day },
            bornBefore: risk.ageFromYears.map { now - Int64($0) * 365 * day + day },
            conditions: risk.conditions.flatMap(\.codes), bmiAtLeast: risk.bmiAtLeast, vaccines: protection.vaccines)
    }
}
