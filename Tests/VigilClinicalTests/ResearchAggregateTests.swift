import Foundation
import Testing
import VigilCore

@testable import VigilClinical

/// Research aggregates: statistics as numpy and pandas compute them, placed by what Safe Harbor
/// lets out, small cells suppressed.
@Suite struct ResearchAggregateTests {
    static let march = FHIRDateTime("2026-03-15T12:00:00Z")!.lowerBound
    static let april = FHIRDateTime("2026-04-02T00:00:00Z")!.lowerBound

    static func person(_ born: String?, _ gender: String?, _ zip3: String?, ninety: Bool = false) -> QuasiIdentifiers {
        var person = QuasiIdentifiers(deidentified: ["resourceType": "Patient"])
        (person.birthYear, person.gender, person.zip3, person.ninetyOrOlder) = (born, gender, zip3, ninety)
        return person
    }

    /// Adds a value of `patient` (`Patient/ID`), who has `identifiers`, numbered in `population`.
    static func add(
        _ value: Double, at time: Int64, of patient: String, _ identifiers: QuasiIdentifiers, to aggregate: inout ResearchAggregate,
        in population: inout NumberedPopulation
    ) {
        aggregate.add(value, at: time, of: population.add(patient, key: nil, identifiers), in: population)
    }

    @Test func aPopulationNumbersEachPatientOnceAndEachClassOnce() {
        var population = NumberedPopulation()
        let a = population.add("Patient/a", key: 10, Self.person("1970", "female", "021"))
        let b = population.add("Patient/b", key: 11, Self.person("1970", "female", "021"))
        let c = population.add("Patient/c", key: nil, Self.person("1971", "female", "021"))
        #expect(population.add("Patient/a", key: 10, Self.person("1970", "female", "021")) == a && Set([a, b, c]).count == 3)
        #expect(
            population.classes.count == 2 && population.classOf[Int(a)] == population.classOf[Int(b)]
                && population.classOf[Int(c)] != population.classOf[Int(a)])
        #expect(population.byKey == [10: a, 11: b] && population.byID["Patient/c"] == c && population.count == 3)
    }

    @Test func statisticsAreThoseOfNumpyWithLinearPercentiles() throws {
        var aggregate = ResearchAggregate(by: [], k: 1, range: 2...3)
        var aggregatePopulation = NumberedPopulation()
        for (i, value) in [4.0, 1, 3, 2].enumerated() {
            Self.add(value, at: Self.march, of: "Patient/\(i % 2)", Self.person("1970", "female", "021"), to: &aggregate, in: &aggregatePopulation)
        }
        let statistics = try #require(aggregate.report.first?.statistics)
        // numpy.percentile([1, 2, 3, 4], [10, 25, 50, 75, 90]) and numpy.std(ddof=1).
        #expect(statistics.patients == 2 && statistics.values == 4 && statistics.mean == 2.5)
        #expect(abs(statistics.sd - 1.2909944487358056) < 1e-12)
        #expect([statistics.p10, statistics.p25, statistics.median, statistics.p75, statistics.p90] == [1.3, 1.75, 2.5, 3.25, 3.7])
        #expect(statistics.inRange == 50)
        var one = ResearchAggregate(by: [], k: 1)
        var onePopulation = NumberedPopulation()
        Self.add(7, at: Self.march, of: "Patient/a", Self.person(nil, nil, nil), to: &one, in: &onePopulation)
        #expect(one.report.first?.statistics?.median == 7 && one.report.first?.statistics?.sd == 0 && one.report.first?.statistics?.inRange == nil)
    }

    @Test func valuesArePlacedByAgeBandSexAreaAndMonthAndSmallCellsSuppressed() {
        var aggregate = ResearchAggregate(by: [.age, .sex, .area, .month], k: 2)
        var aggregatePopulation = NumberedPopulation()
        Self.add(1, at: Self.march, of: "Patient/a", Self.person("1970", "female", "021"), to: &aggregate, in: &aggregatePopulation)
        Self.add(2, at: Self.march, of: "Patient/b", Self.person("1979", "female", "021"), to: &aggregate, in: &aggregatePopulation)  // 47: another band
        Self.add(3, at: Self.april, of: "Patient/b", Self.person("1979", "female", "021"), to: &aggregate, in: &aggregatePopulation)  // another month
        Self.add(4, at: Self.march, of: "Patient/c", Self.person(nil, nil, nil, ninety: true), to: &aggregate, in: &aggregatePopulation)
        Self.add(5, at: Self.march, of: "Patient/d", Self.person("1936", "male", "000"), to: &aggregate, in: &aggregatePopulation)  // 90 in 2026
        Self.add(6, at: Self.march, of: "Patient/e", Self.person(nil, "other", nil), to: &aggregate, in: &aggregatePopulation)
        let places = aggregate.report.map { cell in ResearchAggregate.Dimension.allCases.map { cell.place[$0]! }.joined(separator: " ") }
        #expect(
            Set(places) == [
                "50-59 female 021 2026-03", "40-49 female 021 2026-03", "40-49 female 021 2026-04", "90+ unknown unknown 2026-03",
                "90+ male 000 2026-03", "unknown other unknown 2026-03",
            ], "\(places)")
        #expect(aggregate.report.allSatisfy { $0.statistics == nil }, "one patient each: suppressed with k = 2")
        var pair = ResearchAggregate(by: [.sex], k: 2)
        var pairPopulation = NumberedPopulation()
        Self.add(1, at: Self.march, of: "Patient/a", Self.person("1970", "female", "021"), to: &pair, in: &pairPopulation)
        Self.add(2, at: Self.april, of: "Patient/b", Self.person("1979", "female", "021"), to: &pair, in: &pairPopulation)
        Self.add(9, at: Self.april, of: "Patient/c", Self.person("1979", "male", "021"), to: &pair, in: &pairPopulation)
        #expect(pair.report.map { $0.place[.sex]! } == ["female", "male"])
        #expect(pair.report[0].statistics?.patients == 2 && pair.report[0].statistics?.mean == 1.5 && pair.report[1].statistics == nil)
    }

    /// Each cell counts each patient with a value in it once, whatever the order of the values and
    /// however many periods apart (as a plain set of patient and cell does).
    @Test func cellsCountEachPatientOnce() {
        var generator = SystemRandomNumberGenerator()
        for dimensions: [ResearchAggregate.Dimension] in [[], [.sex], [.age], [.month], [.age, .month]] {
            var aggregate = ResearchAggregate(by: dimensions, k: 1)
            var population = NumberedPopulation()
            var expected: [[String]: Set<Int32>] = [:]
            for _ in 0..<3000 {
                let patient = "Patient/\(Int.random(in: 0..<40, using: &generator))"
                let identifiers = Self.person(
                    ["1950", "1980", nil].randomElement(using: &generator)!, ["female", "male"].randomElement(using: &generator)!, "021")
                let number = population.add(patient, key: nil, identifiers)
                // Over 20 years: periods far beyond 64 months of the first.
                let time = Self.march + Int64.random(in: -10 * 365...10 * 365, using: &generator) * 86_400_000
                aggregate.add(1, at: time, of: number, in: population)
                let (year, month) = ResearchAggregate.yearMonth(time)
                expected[
                    ResearchAggregate.place(population.classes[Int(population.classOf[Int(number)])], year: year, month: month, on: dimensions),
                    default: []
                ].insert(number)
            }
            let counted = Dictionary(
                uniqueKeysWithValues: aggregate.report.map { cell in (dimensions.map { cell.place[$0]! }, cell.statistics!.patients) })
            #expect(counted == expected.mapValues(\.count), "\(dimensions)")
        }
    }

    @Test func aPopulationFindsPatientsByKeyAlikeIndexedOrNot() {
        var population = NumberedPopulation()
        for key in stride(from: Int64(100), to: 400, by: 3) { population.add("Patient/\(key)", key: key, Self.person("1970", nil, nil)) }
        let keys = Array(Int64(90)...Int64(410))
        let before = keys.map(population.number(ofKey:))
        population.indexKeys()
        #expect(keys.map(population.number(ofKey:)) == before && before.compactMap { $0 }.count == 100)
        // A patient added after indexing is found too.
        let late = population.add("Patient/late", key: 5_000_000, Self.person(nil, nil, nil))
        #expect(population.number(ofKey: 5_000_000) == late && population.number(ofKey: 103) == before[13])
    }

    /// The month a value is placed in is the UTC month of its time, also across years, leap days and
    /// before 1970; the month starts on its first at midnight UTC.
    @Test func monthsAreTheUTCMonthsOfTheTimes() {
        var generator = SystemRandomNumberGenerator()
        let edges: [Int64] = [0, -1, 951_782_399_999, 951_782_400_000, 1_709_164_800_000, 1_709_251_199_999, -2_208_988_800_000]
        for time in edges + (0..<2000).map({ _ in Int64.random(in: -4_000_000_000_000...7_000_000_000_000, using: &generator) }) {
            let (year, month) = ResearchAggregate.yearMonth(time)
            let date = FHIRDateTime.date(milliseconds: time)
            #expect(String(date.prefix(7)) == String(format: "%04d-%02d", year, month), "\(time): \(date)")
            // The month's bounds, with which the values of one month are placed without working out their dates.
            let number = year * 12 + month - 1
            #expect(ResearchAggregate.monthStart(number) <= time && time < ResearchAggregate.monthStart(number + 1), "\(time): \(date)")
            #expect(FHIRDateTime.instant(milliseconds: ResearchAggregate.monthStart(number)).hasPrefix(String(date.prefix(7)) + "-01T00:00:00"))
        }
    }

    /// Percentiles found by selection are those of the sorted values, with many equal values or
    /// none, for any count.
    @Test func percentilesBySelectionAreThoseOfASort() {
        var generator = SystemRandomNumberGenerator()
        let ps = [0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.9, 0.99, 1]
        for _ in 0..<2000 {
            let distinct = [1, 3, 100, 1_000_000].randomElement(using: &generator)!
            var values = (0..<Int.random(in: 1...300, using: &generator)).map { _ in Double(Int.random(in: 0..<distinct, using: &generator)) / 4 }
            let sorted = values.sorted()
            let expected = ps.map { p in
                let rank = p * Double(sorted.count - 1)
                let low = Int(rank)
                return low + 1 < sorted.count ? sorted[low] + (rank - Double(low)) * (sorted[low + 1] - sorted[low]) : sorted[low]
            }
            #expect(ResearchAggregate.percentiles(ps, of: &values) == expected, "\(sorted)")
            #expect(values.sorted() == sorted)
        }
        var none: [Double] = []
        #expect(ResearchAggregate.percentiles(ps, of: &none).isEmpty)
    }

    /// The set of patients counted in each cell says a pair is new exactly when a plain Set does,
    /// through its growth, for any numbers.
    @Test func patientCellSetAgreesWithASet() {
        var generator = SystemRandomNumberGenerator()
        var (set, plain) = (PatientCellSet(), Set<[Int32]>())
        for _ in 0..<20_000 {
            let patient = [Int32.random(in: 0..<3000, using: &generator), .max, 0].randomElement(using: &generator)!
            let cell = [Int32.random(in: 0..<8, using: &generator), .max, -1].randomElement(using: &generator)!
            #expect(set.insert(patient: patient, cell: cell) == plain.insert([patient, cell]).inserted)
        }
    }
}
