/// Which patients' facts a cohort reads (``VigilStore/population(_:)``): those of a panel, or
/// across the whole population those a definition could count at risk. The store may answer more
/// patients than the filters name, never fewer; the cohort decides.
public struct PopulationQuery: Sendable, Equatable {
    /// Only these patients (a clinician's panel), whatever their risk; nil: the whole population,
    /// filtered by the risk rules below.
    public var patients: Set<String>?
    /// At risk by age: born after this (milliseconds; against the last instant a birth date allows).
    public var bornAfter: Int64?
    /// At risk by age: born at or before this (against the first instant a birth date allows).
    public var bornBefore: Int64?
    /// At risk with any active condition of these codes.
    public var conditions: [ValueSetCode]
    /// At risk with a body mass index at or above this.
    public var bmiAtLeast: Double?
    /// The vaccines whose doses the answer carries.
    public var vaccines: [ValueSetCode]

    public init(
        patients: Set<String>? = nil, bornAfter: Int64? = nil, bornBefore: Int64? = nil, conditions: [ValueSetCode] = [],
        bmiAtLeast: Double? = nil, vaccines: [ValueSetCode]
    ) {
        (self.patients, self.bornAfter, self.bornBefore, self.conditions) = (patients, bornAfter, bornBefore, conditions)
        (self.bmiAtLeast, self.vaccines) = (bmiAtLeast, vaccines)
    }

    /// Whether age puts anyone at risk: then patients without a birth date are answered too, so
    /// that their unread age is said, not taken as no risk.
    public var readsAge: Bool { bornAfter != nil || bornBefore != nil }
}
