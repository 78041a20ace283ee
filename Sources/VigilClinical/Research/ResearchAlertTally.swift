import VigilCore

/// Alerts raised for a research population, counted by kind in cells of age band, sex, area and
/// month (placed as ``ResearchAggregate`` places values, at the time each was raised). A cell of
/// fewer than k patients shows nothing but that it was suppressed.
public struct ResearchAlertTally: Sendable {
    public struct Cell: Sendable, Equatable {
        public var place: [ResearchAggregate.Dimension: String]
        /// The patients with an alert in the cell, and the alerts by kind; nil when suppressed.
        public var counts: (patients: Int, kinds: [String: Int])?

        public static func == (a: Cell, b: Cell) -> Bool {
            a.place == b.place && a.counts?.patients == b.counts?.patients && a.counts?.kinds == b.counts?.kinds
        }
    }

    public let dimensions: [ResearchAggregate.Dimension]
    public let k: Int
    private var cells: [[String]: (kinds: [String: Int], patients: Set<Int32>)] = [:]

    public init(by dimensions: [ResearchAggregate.Dimension], k: Int = SafeHarbor().k) { (self.dimensions, self.k) = (dimensions, k) }

    /// Adds an alert of `kind` raised at `time` for patient number `patient` of `population`.
    public mutating func add(_ kind: String, at time: Int64, of patient: Int32, in population: NumberedPopulation) {
        let (year, month) = ResearchAggregate.yearMonth(time)
        let place = ResearchAggregate.place(population.classes[Int(population.classOf[Int(patient)])], year: year, month: month, on: dimensions)
        cells[place, default: ([:], [])].kinds[kind, default: 0] += 1
        cells[place, default: ([:], [])].patients.insert(patient)
    }

    /// The cells in order of their places.
    public var report: [Cell] {
        cells.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { place in
            let (kinds, patients) = cells[place]!
            return Cell(place: Dictionary(uniqueKeysWithValues: zip(dimensions, place)), counts: patients.count < k ? nil : (patients.count, kinds))
        }
    }
}
