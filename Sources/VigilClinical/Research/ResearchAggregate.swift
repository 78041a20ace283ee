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
    /// The cells: their place, values and patients (by number).
    private var cells: [(place: [String], values: [Double], patients: Set<Int32>)] = []
    private var cellOfPlace: [[String]: Int] = [:]
    /// Each patient's number and class (its quasi-identifiers, by number), and the classes.
    private var patients: [String: (number: Int32, class: Int32)] = [:]
    private var classes: [QuasiIdentifiers: Int32] = [:]
    private var people: [QuasiIdentifiers] = []
    /// The cell of a class in a month (`class << 32 | year * 12 + month`): a place is worked out
    /// once per class and month, not per value.
    private var cellOfClassMonth: [Int64: Int] = [:]

    public init(by dimensions: [Dimension], k: Int = SafeHarbor().k, range: ClosedRange<Double>? = nil) {
        (self.dimensions, self.k, self.range) = (dimensions, k, range)
    }

    /// Adds `patient`'s value at `time`.
    public mutating func add(_ value: Double, at time: Int64, of patient: String, _ person: QuasiIdentifiers) {
        let known =
            patients[patient]
            ?? {
                let number = Int32(patients.count)
                let group =
                    classes[person]
                    ?? {
                        people.append(person)
                        classes[person] = Int32(people.count - 1)
                        return Int32(people.count - 1)
                    }()
                patients[patient] = (number, group)
                return (number, group)
            }()
        let (year, month) = Self.yearMonth(time)
        let key = Int64(known.class) << 32 | Int64(year * 12 + month)
        let cell =
            cellOfClassMonth[key]
            ?? {
                let place = Self.place(people[Int(known.class)], year: year, month: month, on: dimensions)
                let cell =
                    cellOfPlace[place]
                    ?? {
                        cells.append((place, [], []))
                        cellOfPlace[place] = cells.count - 1
                        return cells.count - 1
                    }()
                cellOfClassMonth[key] = cell
                return cell
            }()
        cells[cell].values.append(value)
        cells[cell].patients.insert(known.number)
    }

    /// Where something of `person` in a month is placed on `dimensions`.
    static func place(_ person: QuasiIdentifiers, year: Int, month: Int, on dimensions: [Dimension]) -> [String] {
        dimensions.map { dimension in
            switch dimension {
            case .age: ageBand(person, in: year)
            case .sex: person.gender ?? "unknown"
            case .area: person.zip3 ?? "unknown"
            case .month: padded(year, 4) + "-" + padded(month, 2)
            }
        }
    }

    private static func padded(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The UTC year and month (1–12) of a time in milliseconds since 1970.
    static func yearMonth(_ time: Int64) -> (year: Int, month: Int) {
        // Days to civil (Howard Hinnant's algorithm).
        let days = Int(time >= 0 ? time / 86_400_000 : (time - 86_399_999) / 86_400_000) + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month)
    }

    /// The age band of a person in `year`: `0-9` … `80-89`, `90+`, or `unknown`.
    static func ageBand(_ person: QuasiIdentifiers, in year: Int) -> String {
        if person.ninetyOrOlder { return "90+" }
        guard let born = person.birthYear.flatMap({ Int($0) }) else { return "unknown" }
        let age = max(0, year - born)
        return age >= 90 ? "90+" : "\(age / 10 * 10)-\(age / 10 * 10 + 9)"
    }

    /// The cells in order of their places.
    public var report: [Cell] {
        cells.sorted { $0.place.lexicographicallyPrecedes($1.place) }.map { place, values, patients in
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
