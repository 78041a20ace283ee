public import VigilCore

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
    /// The cells: their place, values and how many patients have a value in them.
    private var cells: [(place: [String], values: [Double], patients: Int)] = []
    private var cellOfPlace: [[String]: Int] = [:]
    /// The cell of a class in a month (`class << 32 | year * 12 + month`, the class as the
    /// dimensions asked see it): a place is worked out once per class and month, not per value.
    private var cellOfClassMonth: [Int64: Int] = [:]
    /// Each class of the population (by number; -1 not seen yet) with only what the dimensions
    /// asked read of it, numbered: a million patients' few thousand classes are a few dozen to a
    /// question by age and sex.
    private var projectionOf: [Int32] = []
    private var projections: [QuasiIdentifiers: Int32] = [:]
    /// Which patient has a value in which cell: each patient's last cell (by number; -1 for none
    /// yet), and for the patients with values in several cells (``several``), every pair. Most
    /// patients' values fall in one cell, so most values are counted without hashing.
    private var lastCell: [Int32] = []
    private var several: [Bool] = []
    private var pairs: Set<PatientCell> = []

    private struct PatientCell: Hashable {
        var patient: Int32
        var cell: Int32
    }

    public init(by dimensions: [Dimension], k: Int = SafeHarbor().k, range: ClosedRange<Double>? = nil) {
        (self.dimensions, self.k, self.range) = (dimensions, k, range)
    }

    /// Adds the value at `time` of patient number `patient` of `population`.
    public mutating func add(_ value: Double, at time: Int64, of patient: Int32, in population: NumberedPopulation) {
        let (year, month) = Self.yearMonth(time)
        let cell = cell(year: year, month: month, of: population.classOf[Int(patient)], in: population)
        cells[cell].values.append(value)
        if lastCell.count <= Int(patient) {
            let count = max(population.count, Int(patient) + 1)
            lastCell += repeatElement(-1, count: count - lastCell.count)
            several += repeatElement(false, count: count - several.count)
        }
        let last = lastCell[Int(patient)]
        if last == Int32(cell) { return }
        lastCell[Int(patient)] = Int32(cell)
        if last >= 0 {
            if !several[Int(patient)] {
                pairs.insert(PatientCell(patient: patient, cell: last))
                several[Int(patient)] = true
            }
            guard pairs.insert(PatientCell(patient: patient, cell: Int32(cell))).inserted else { return }
        }
        cells[cell].patients += 1
    }

    /// Adds the values within `times` of the patients of `population` (the others are not in it).
    public mutating func add(_ values: [ValuePage.Entry], within times: ClosedRange<Int64>, of population: NumberedPopulation) {
        for value in values where times.contains(value.time) {
            guard let patient = population.number(ofKey: value.patientKey) else { continue }
            add(value.value, at: value.time, of: patient, in: population)
        }
    }

    /// The cell of a class's values in a month.
    private mutating func cell(year: Int, month: Int, of group: Int32, in population: NumberedPopulation) -> Int {
        let key = Int64(projection(of: group, in: population)) << 32 | Int64(year * 12 + month)
        if let cell = cellOfClassMonth[key] { return cell }
        let place = Self.place(population.classes[Int(group)], year: year, month: month, on: dimensions)
        let cell =
            cellOfPlace[place]
            ?? {
                cells.append((place, [], 0))
                cellOfPlace[place] = cells.count - 1
                return cells.count - 1
            }()
        cellOfClassMonth[key] = cell
        return cell
    }

    /// The number of a class as the dimensions asked see it.
    private mutating func projection(of group: Int32, in population: NumberedPopulation) -> Int32 {
        if projectionOf.count <= Int(group) { projectionOf += repeatElement(-1, count: population.classes.count - projectionOf.count) }
        if projectionOf[Int(group)] >= 0 { return projectionOf[Int(group)] }
        let full = population.classes[Int(group)]
        let seen = QuasiIdentifiers(
            birthYear: dimensions.contains(.age) ? full.birthYear : nil, ninetyOrOlder: dimensions.contains(.age) && full.ninetyOrOlder,
            gender: dimensions.contains(.sex) ? full.gender : nil, zip3: dimensions.contains(.area) ? full.zip3 : nil)
        let number =
            projections[seen]
            ?? {
                projections[seen] = Int32(projections.count)
                return Int32(projections.count - 1)
            }()
        projectionOf[Int(group)] = number
        return number
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
            guard patients >= k else { return Cell(place: named, statistics: nil) }
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
                    patients: patients, values: sorted.count, mean: mean, sd: sd, p10: percentile(0.1), p25: percentile(0.25),
                    median: percentile(0.5), p75: percentile(0.75), p90: percentile(0.9), inRange: inRange))
        }
    }
}
