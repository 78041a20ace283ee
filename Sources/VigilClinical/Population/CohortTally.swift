import VigilCore

/// A cohort's members on a day counted by area (postal-code prefix) and age band: what public
/// health sees instead of identities.
public struct CohortTally: Sendable, Equatable {
    public var definition: CohortDefinition
    /// Members by area (`unknown` without a postal code), then by age band (`unknown` without a birth date).
    public var counts: [String: [String: Int]]
    /// Patients with no risk found and not protected, whose age could not be read (no birth date).
    public var undetermined: Int

    public init(definition: CohortDefinition, counts: [String: [String: Int]], undetermined: Int) {
        (self.definition, self.counts, self.undetermined) = (definition, counts, undetermined)
    }

    /// The number of members.
    public var members: Int { counts.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

    /// The number of members, as public health may see it.
    public var total: CohortReport.Count { CohortReport.shown(members) }

    /// The counts as public health may see them, by area then band, small cells suppressed. When
    /// exactly one cell would be suppressed, the next smallest is too, so that the total does not
    /// give it away.
    public var cells: [CohortReport.Cell] {
        var cells: [(area: String, band: String, count: Int)] = []
        for (area, bands) in counts {
            for band in CohortReport.ageBands.map(\.label) + ["unknown"] {
                if let count = bands[band], count > 0 { cells.append((area, band, count)) }
            }
        }
        cells.sort { ($0.area, CohortReport.bandOrder($0.band)) < ($1.area, CohortReport.bandOrder($1.band)) }
        var suppressed = Set(cells.indices.filter { cells[$0].count < CohortReport.smallestShown })
        if suppressed.count == 1, let next = cells.indices.filter({ !suppressed.contains($0) }).min(by: { cells[$0].count < cells[$1].count }) {
            suppressed.insert(next)
        }
        return cells.indices.map {
            CohortReport.Cell(area: cells[$0].area, ageBand: cells[$0].band, count: suppressed.contains($0) ? .suppressed : .exact(cells[$0].count))
        }
    }
}
