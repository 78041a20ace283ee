import VigilCore

/// Summary statistics of a coded value over a research population, by age band, sex, area and
/// month: what a researcher asks without files. A cell of fewer than k patients shows nothing
/// but that it was suppressed.
///
/// Each value is placed by what Safe Harbor lets out of its patient (``QuasiIdentifiers``): the
/// age band is the value's year less the birth year, in decades (`90+` for everyone 90 or older);
/// the area is the ZIP3; the month is the value's, in UTC.
public struct ResearchAggregate: Sendable {
    public enum Dimension: String, Sendable, CaseIterable {
        case age, sex, area, month
    }

    /// One cell: its place on each dimension asked, and its statistics unless suppressed.
    public struct Cell: Sendable, Equatable {
        public var place: [Dimension: String]
        /// Nil when the cell is suppressed (fewer than k patients).
        public var statistics: Statistics?
    }

    public struct Statistics: Sendable, Equatable {
        public var patients: Int
        public var values: Int
        public var mean: Double
        /// The sample standard deviation (0 for one value).
        public var sd: Double
        /// The 10th, 25th, 50th, 75th and 90th percentiles, interpolated linearly between ranks
        /// (as numpy, pandas and DuckDB's `quantile_cont` do).
        public var p10, p25, median, p75, p90: Double
        /// The percentage of values within the range asked (time in range, for CGM), or nil.
        public var inRange: Double?
    }

    public let dimensions: [Dimension]
    public let k: Int
    /// The range whose share of values is reported (inclusive), if any.
    public let range: ClosedRange<Double>?
    private var cells: [[String]: (values: [Double], patients: Set<String>)] = [:]

    public init(by dimensions: [Dimension], k: Int = SafeHarbor().k, range: ClosedRange<Double>? = nil) {
        (self.dimensions, self.k, self.range) = (dimensions, k, range)
    }

    /// Adds `patient`'s value at `time`.
    public mutating func add(_ value: Double, at time: Int64, of patient: String, _ person: QuasiIdentifiers) {
        let place = Self.place(person, at: time, on: dimensions)
        cells[place, default: ([], [])].values.append(value)
        cells[place, default: ([], [])].patients.insert(patient)
    }

    /// Where something of `person` at `time` is placed on `dimensions`.
    static func place(_ person: QuasiIdentifiers, at time: Int64, on dimensions: [Dimension]) -> [String] {
        dimensions.map { dimension in
            switch dimension {
            case .age: ageBand(person, at: time)
            case .sex: person.gender ?? "unknown"
            case .area: person.zip3 ?? "unknown"
            case .month: String(FHIRDateTime.date(milliseconds: time).prefix(7))
            }
        }
    }

    /// The age band of a person at `time`: `0-9` … `80-89`, `90+`, or `unknown`.
    static func ageBand(_ person: QuasiIdentifiers, at time: Int64) -> String {
        if person.ninetyOrOlder { return "90+" }
        guard let born = person.birthYear.flatMap({ Int($0) }), let year = Int(FHIRDateTime.date(milliseconds: time).prefix(4)) else {
            return "unknown"
        }
        let age = max(0, year - born)
        return age >= 90 ? "90+" : "\(age / 10 * 10)-\(age / 10 * 10 + 9)"
    }

    /// The cells in order of their places.
    public var report: [Cell] {
        cells.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { place in
            let (values, patients) = cells[place]!
            let named = Dictionary(uniqueKeysWithValues: zip(dimensions, place))
            guard patients.count >= k else { return Cell(place: named, statistics: nil) }
            let sorted = values.sorted()
            let mean = sorted.reduce(0, +) / Double(sorted.count)
            let sd = sorted.count < 2 ? 0 : (sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(sorted.count - 1)).squareRoot()
            func percentile(_ p: Double) -> Double {
                let rank = p * Double(sorted.count - 1)
                let low = Int(rank)
                return low + 1 < sorted.count ? sorted[low] + (rank - Double(low)) * (sorted[low + 1] - sorted[low]) : sorted[low]
            }
            let inRange = range.map { range in Double(sorted.filter(range.contains).count) * 100 / Double(sorted.count) }
            return Cell(
                place: named,
                statistics: Statistics(
                    patients: patients.count, values: sorted.count, mean: mean, sd: sd, p10: percentile(0.1), p25: percentile(0.25),
                    median: percentile(0.5), p75: percentile(0.75), p90: percentile(0.9), inRange: inRange))
        }
    }
}
