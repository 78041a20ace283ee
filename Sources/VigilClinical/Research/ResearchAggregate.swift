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
    /// The month of the last value placed (its bounds in milliseconds, `year * 12 + month - 1`) and
    /// its cells by class as the dimensions asked see it (-1: not placed yet); the other months'
    /// in ``cellsOfMonth``. Values come mostly from a few months: one is placed by two comparisons
    /// and an array look-up, with no date arithmetic and no hashing.
    private var month: (start: Int64, end: Int64, number: Int) = (0, 0, 0)
    private var cellOfProjection: [Int32] = []
    private var cellsOfMonth: [Int: [Int32]] = [:]
    /// Each class of the population (by number; -1 not seen yet) with only what the dimensions
    /// asked read of it, numbered: a million patients' few thousand classes are a few dozen to a
    /// question by age and sex.
    private var projectionOf: [Int32] = []
    private var projections: [QuasiIdentifiers: Int32] = [:]
    /// What a value reads of its patient, by patient number, in one place (one memory access for
    /// a million patients' values in no order): their class as the dimensions asked see it (-1:
    /// no value yet) and the last cell that counted them (-1: none yet).
    private var patients: [(projection: Int32, lastCell: Int32)] = []
    /// Which patient has a value in which cell: most patients' values fall in one cell, counted by
    /// ``patients``' last cell without hashing; for the others (``several``), every pair.
    private var several: [Bool] = []
    private var pairs = PatientCellSet()

    public init(by dimensions: [Dimension], k: Int = SafeHarbor().k, range: ClosedRange<Double>? = nil) {
        (self.dimensions, self.k, self.range) = (dimensions, k, range)
    }

    /// Adds the value at `time` of patient number `patient` of `population`.
    public mutating func add(_ value: Double, at time: Int64, of patient: Int32, in population: NumberedPopulation) {
        if time < month.start || time >= month.end { enterMonth(of: time) }
        if patients.count <= Int(patient) {
            let count = max(population.count, Int(patient) + 1)
            patients += repeatElement((projection: Int32(-1), lastCell: Int32(-1)), count: count - patients.count)
            several += repeatElement(false, count: count - several.count)
        }
        var state = patients[Int(patient)]
        if state.projection < 0 { state.projection = projection(of: population.classOf[Int(patient)], in: population) }
        let projection = Int(state.projection)
        if cellOfProjection.count <= projection { cellOfProjection += repeatElement(-1, count: projections.count - cellOfProjection.count) }
        var cell = cellOfProjection[projection]
        if cell < 0 {
            cell = Int32(self.cell(month: month.number, of: population.classOf[Int(patient)], in: population))
            cellOfProjection[projection] = cell
        }
        cells[Int(cell)].values.append(value)
        let last = state.lastCell
        if last == cell { return }
        state.lastCell = cell
        patients[Int(patient)] = state
        if last >= 0 {
            if !several[Int(patient)] {
                _ = pairs.insert(patient: patient, cell: last)
                several[Int(patient)] = true
            }
            guard pairs.insert(patient: patient, cell: cell) else { return }
        }
        cells[Int(cell)].patients += 1
    }

    /// Adds the values within `times` of the patients of `population` (the others are not in it).
    public mutating func add(_ values: [ValuePage.Entry], within times: ClosedRange<Int64>, of population: NumberedPopulation) {
        for value in values where times.contains(value.time) {
            guard let patient = population.number(ofKey: value.patientKey) else { continue }
            add(value.value, at: value.time, of: patient, in: population)
        }
    }

    /// Makes the month of `time` the current one, keeping the last one's cells.
    private mutating func enterMonth(of time: Int64) {
        let (year, number) = Self.yearMonth(time)
        let next = year * 12 + number - 1
        if month.start < month.end { cellsOfMonth[month.number] = cellOfProjection }
        cellOfProjection = cellsOfMonth.removeValue(forKey: next) ?? []
        month = (Self.monthStart(next), Self.monthStart(next + 1), next)
    }

    /// The cell of a class's values in a month (`year * 12 + month - 1`).
    private mutating func cell(month: Int, of group: Int32, in population: NumberedPopulation) -> Int {
        let place = Self.place(population.classes[Int(group)], year: month / 12, month: month % 12 + 1, on: dimensions)
        if let cell = cellOfPlace[place] { return cell }
        cells.append((place, [], 0))
        cellOfPlace[place] = cells.count - 1
        return cells.count - 1
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

    /// The first millisecond of a month (`year * 12 + month - 1`), UTC.
    static func monthStart(_ month: Int) -> Int64 {
        Int64(FHIRDateTime.daysSinceEpoch(year: month / 12, month: month % 12 + 1, day: 1)) * 86_400_000
    }

    /// The UTC year and month (1–12) of a time in milliseconds since 1970.
    static func yearMonth(_ time: Int64) -> (year: Int, month: Int) {
        let (year, month, _) = FHIRDateTime.civil(fromDays: Int(time >= 0 ? time / 86_400_000 : (time - 86_399_999) / 86_400_000))
        return (year, month)
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
            let count = Double(values.count)
            let mean = values.reduce(0, +) / count
            let sd = values.count < 2 ? 0 : (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1)).squareRoot()
            let inRange = range.map { range in Double(values.reduce(0) { range.contains($1) ? $0 + 1 : $0 }) * 100 / count }
            var reordered = values
            let p = Self.percentiles([0.1, 0.25, 0.5, 0.75, 0.9], of: &reordered)
            return Cell(
                place: named,
                statistics: Statistics(
                    patients: patients, values: values.count, mean: mean, sd: sd, p10: p[0], p25: p[1], median: p[2], p75: p[3], p90: p[4],
                    inRange: inRange))
        }
    }

    /// Percentiles (`ps` ascending, each in 0...1) of values, interpolated linearly between ranks
    /// as a sort would give them, found by selection (reordering `values`): each rank's value is
    /// put in place with what is smaller before it, in about the time of one pass, not a sort's.
    static func percentiles(_ ps: [Double], of values: inout [Double]) -> [Double] {
        guard !values.isEmpty else { return [] }
        return values.withUnsafeMutableBufferPointer { values in
            // values[..<placed] are no greater than any after them, and the ranks asked so far (the
            // last is placed - 1; with ps ascending, a rank asked again is one of them) are in place.
            var placed = 0
            func value(ofRank rank: Int) -> Double {
                if rank >= placed {
                    select(rank, in: values, from: placed)
                    placed = rank + 1
                }
                return values[rank]
            }
            return ps.map { p in
                let rank = p * Double(values.count - 1)
                let low = Int(rank)
                let below = value(ofRank: low)
                return low + 1 < values.count && rank > Double(low) ? below + (rank - Double(low)) * (value(ofRank: low + 1) - below) : below
            }
        }
    }

    /// Puts the value of rank `k` (from 0) at `k`, with only smaller or equal values before it and
    /// greater or equal after, in `values[from...]` (values before `from` are smaller already).
    /// Partitions three ways, so that many equal values (a heart rate's few dozen) cost no more.
    private static func select(_ k: Int, in values: UnsafeMutableBufferPointer<Double>, from: Int) {
        var (low, high) = (from, values.count)
        while high - low > 1 {
            let (a, b, c) = (values[low], values[(low + high) / 2], values[high - 1])
            let pivot = max(min(a, b), min(max(a, b), c))
            var (less, index, greater) = (low, low, high)
            while index < greater {
                if values[index] < pivot {
                    values.swapAt(less, index)
                    (less, index) = (less + 1, index + 1)
                } else if values[index] > pivot {
                    greater -= 1
                    values.swapAt(index, greater)
                } else {
                    index += 1
                }
            }
            if k < less { high = less } else if k >= greater { low = greater } else { return }
        }
    }
}
