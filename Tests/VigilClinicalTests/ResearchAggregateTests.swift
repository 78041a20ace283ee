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

    @Test func statisticsAreThoseOfNumpyWithLinearPercentiles() throws {
        var aggregate = ResearchAggregate(by: [], k: 1, range: 2...3)
        for (i, value) in [4.0, 1, 3, 2].enumerated() {
            aggregate.add(value, at: Self.march, of: "Patient/\(i % 2)", Self.person("1970", "female", "021"))
        }
        let statistics = try #require(aggregate.report.first?.statistics)
        // numpy.percentile([1, 2, 3, 4], [10, 25, 50, 75, 90]) and numpy.std(ddof=1).
        #expect(statistics.patients == 2 && statistics.values == 4 && statistics.mean == 2.5)
        #expect(abs(statistics.sd - 1.2909944487358056) < 1e-12)
        #expect([statistics.p10, statistics.p25, statistics.median, statistics.p75, statistics.p90] == [1.3, 1.75, 2.5, 3.25, 3.7])
        #expect(statistics.inRange == 50)
        var one = ResearchAggregate(by: [], k: 1)
        one.add(7, at: Self.march, of: "Patient/a", Self.person(nil, nil, nil))
        #expect(one.report.first?.statistics?.median == 7 && one.report.first?.statistics?.sd == 0 && one.report.first?.statistics?.inRange == nil)
    }

    @Test func valuesArePlacedByAgeBandSexAreaAndMonthAndSmallCellsSuppressed() {
        var aggregate = ResearchAggregate(by: [.age, .sex, .area, .month], k: 2)
        aggregate.add(1, at: Self.march, of: "Patient/a", Self.person("1970", "female", "021"))
        aggregate.add(2, at: Self.march, of: "Patient/b", Self.person("1979", "female", "021"))  // 47: another band
        aggregate.add(3, at: Self.april, of: "Patient/b", Self.person("1979", "female", "021"))  // another month
        aggregate.add(4, at: Self.march, of: "Patient/c", Self.person(nil, nil, nil, ninety: true))
        aggregate.add(5, at: Self.march, of: "Patient/d", Self.person("1936", "male", "000"))  // 90 in 2026
        aggregate.add(6, at: Self.march, of: "Patient/e", Self.person(nil, "other", nil))
        let places = aggregate.report.map { cell in ResearchAggregate.Dimension.allCases.map { cell.place[$0]! }.joined(separator: " ") }
        #expect(
            Set(places) == [
                "50-59 female 021 2026-03", "40-49 female 021 2026-03", "40-49 female 021 2026-04", "90+ unknown unknown 2026-03",
                "90+ male 000 2026-03", "unknown other unknown 2026-03",
            ], "\(places)")
        #expect(aggregate.report.allSatisfy { $0.statistics == nil }, "one patient each: suppressed with k = 2")
        var pair = ResearchAggregate(by: [.sex], k: 2)
        pair.add(1, at: Self.march, of: "Patient/a", Self.person("1970", "female", "021"))
        pair.add(2, at: Self.april, of: "Patient/b", Self.person("1979", "female", "021"))
        pair.add(9, at: Self.april, of: "Patient/c", Self.person("1979", "male", "021"))
        #expect(pair.report.map { $0.place[.sex]! } == ["female", "male"])
        #expect(pair.report[0].statistics?.patients == 2 && pair.report[0].statistics?.mean == 1.5 && pair.report[1].statistics == nil)
    }

    /// The month a value is placed in is the UTC month of its time, also across years, leap days and before 1970.
    @Test func monthsAreTheUTCMonthsOfTheTimes() {
        var generator = SystemRandomNumberGenerator()
        let edges: [Int64] = [0, -1, 951_782_399_999, 951_782_400_000, 1_709_164_800_000, 1_709_251_199_999, -2_208_988_800_000]
        for time in edges + (0..<2000).map({ _ in Int64.random(in: -4_000_000_000_000...7_000_000_000_000, using: &generator) }) {
            let (year, month) = ResearchAggregate.yearMonth(time)
            let date = FHIRDateTime.date(milliseconds: time)
            #expect(String(date.prefix(7)) == String(format: "%04d-%02d", year, month), "\(time): \(date)")
        }
    }
}
