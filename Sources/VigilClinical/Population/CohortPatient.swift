/// What a cohort reads of one patient's record.
public struct CohortPatient: Sendable, Equatable {
    /// A coded fact: a condition's code, a vaccine's CVX code.
    public struct Code: Sendable, Equatable {
        public var system: String
        public var code: String

        public init(system: String, code: String) { (self.system, self.code) = (system, code) }
    }

    /// A dose given: its vaccine and when (milliseconds since 1970).
    public struct Immunization: Sendable, Equatable {
        public var code: Code
        public var time: Int64

        public init(code: Code, time: Int64) { (self.code, self.time) = (code, time) }
    }

    /// Nil when the record has no birth date.
    public var birth: Birth?
    /// The codes of the patient's active conditions.
    public var conditions: [Code]
    /// Completed doses.
    public var immunizations: [Immunization]
    /// The latest body mass index (kg/m2).
    public var bmi: Double?

    public init(birth: Birth?, conditions: [Code], immunizations: [Immunization], bmi: Double?) {
        (self.birth, self.conditions, self.immunizations, self.bmi) = (birth, conditions, immunizations, bmi)
    }
}

/// What a cohort definition says of one patient on a day.
public struct CohortMembership: Sendable, Equatable {
    /// Why they are at higher risk (`age 65 and over`, `asthma`), in the definition's order.
    public var risks: [String]
    /// Rules that could not be read (`age` without a birth date): never read as no risk.
    public var unknown: [String]
    public var isProtected: Bool
    /// The latest dose of a counted vaccine given by the day.
    public var lastDose: Int64?

    /// At higher risk and not protected.
    public var isMember: Bool { !risks.isEmpty && !isProtected }
}
