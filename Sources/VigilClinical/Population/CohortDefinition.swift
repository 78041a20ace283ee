public import VigilCore

/// Who belongs to an outbreak cohort: people at higher risk (by age, conditions, BMI) who are not
/// protected by the immunizations the definition counts. A versioned document, like the clinical
/// policy: its name and version go with every answer it gives.
public struct CohortDefinition: Sendable, Codable, Equatable {
    /// A code of a value set (``ValueSetCode``).
    public typealias Code = ValueSetCode

    /// A named group of conditions (asthma, diabetes), any of whose codes puts a person at risk.
    public struct ConditionSet: Sendable, Codable, Equatable {
        public var name: String
        public var codes: [Code]

        public init(name: String, codes: [Code]) { (self.name, self.codes) = (name, codes) }
    }

    /// What puts a person at higher risk; any one rule is enough.
    public struct Risk: Sendable, Codable, Equatable {
        /// Younger than this many whole years on the day.
        public var ageBelowYears: Int?
        /// This many whole years or older on the day.
        public var ageFromYears: Int?
        public var conditions: [ConditionSet]
        /// The latest body mass index at or above this.
        public var bmiAtLeast: Double?

        public init(ageBelowYears: Int? = nil, ageFromYears: Int? = nil, conditions: [ConditionSet] = [], bmiAtLeast: Double? = nil) {
            (self.ageBelowYears, self.ageFromYears, self.conditions, self.bmiAtLeast) = (ageBelowYears, ageFromYears, conditions, bmiAtLeast)
        }
    }

    /// What protects: `doses` doses of any of `vaccines`, each at least `minimumIntervalDays`
    /// after the one counted before it, all within the last `withinDays` days when given (a season).
    public struct Protection: Sendable, Codable, Equatable {
        public var vaccines: [Code]
        public var doses: Int
        public var minimumIntervalDays: Int
        public var withinDays: Int?

        public init(vaccines: [Code], doses: Int, minimumIntervalDays: Int, withinDays: Int?) {
            (self.vaccines, self.doses, self.minimumIntervalDays, self.withinDays) = (vaccines, doses, minimumIntervalDays, withinDays)
        }
    }

    public var name: String
    public var version: String
    public var risk: Risk
    public var protection: Protection

    public init(name: String, version: String, risk: Risk, protection: Protection) {
        (self.name, self.version, self.risk, self.protection) = (name, version, risk, protection)
    }
}
