/// The patients whose population facts changed after a mark, with their facts now
/// (``VigilStore/populationChanges(after:limit:)``): what brings a ``PopulationTable`` up to date.
public struct PopulationChanges: Sendable, Equatable {
    /// The mark of the newest change included.
    public var mark: Int64
    /// Patients whose facts changed (written, updated, deleted, or now deceased).
    public var patients: [String]
    /// The facts those patients have now, each patient's person fact before their others. A
    /// patient without a person fact (deleted, deceased, not stored) has none.
    public var facts: [PopulationFact]
    /// The store's key of each of those patients it holds (``PopulationTable/Person/key``).
    public var keys: [String: Int64]

    public init(mark: Int64, patients: [String], facts: [PopulationFact], keys: [String: Int64] = [:]) {
        (self.mark, self.patients, self.facts, self.keys) = (mark, patients, facts, keys)
    }
}
