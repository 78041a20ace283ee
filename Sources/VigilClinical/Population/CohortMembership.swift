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
