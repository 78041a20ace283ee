import Testing
import VigilCore

@testable import VigilClinical

/// When a screening site's days raise and clear a public-health alert: generated series with a
/// planted outbreak, replayed day by day as the server does.
@Suite struct ScreeningWatchTests {
    static let day: Int64 = 86_400_000
    static let start: Int64 = 1_772_323_200_000  // 2026-03-01

    /// The site's days after `counts` (febrile per day of 100 screened), as the watch reads them.
    static func days(_ counts: [Int], watch: ScreeningWatch = ScreeningWatch()) -> [ScreeningSeries.Day] {
        var measurements: [ScreeningSeries.Measurement] = []
        for (index, febrile) in counts.enumerated() {
            let noon = start + Int64(index) * day + day / 2
            measurements += (0..<100).map { .init(time: noon + Int64($0), celsius: $0 < febrile ? 38.3 : 36.7) }
        }
        return ScreeningSeries.days(
            measurements, cutOff: 38, from: start, to: start + Int64(counts.count - 1) * day, ears: watch.ears, cusum: watch.cusum)
    }

    /// Replays the series a day at a time with the alert center's rule (a raise opens an alert
    /// unless one is open; a clear closes it): the days that opened one, and the day it closed.
    static func replay(_ counts: [Int], watch: ScreeningWatch = ScreeningWatch()) -> (opened: [Int], closed: [Int]) {
        var open = false
        var opened: [Int] = []
        var closed: [Int] = []
        for today in counts.indices {
            switch watch.output(site: "s", days: days(Array(counts.prefix(today + 1)), watch: watch), isOpen: open, resolvedOn: nil) {
            case .raise(let condition)?:
                #expect(condition.kind == "screening-cluster" && condition.key == "screening-cluster:Location/s")
                if !open { opened.append(today) }
                open = true
            case .clear?:
                closed.append(today)
                open = false
            default:
                break
            }
        }
        return (opened, closed)
    }

    /// A generated baseline of 0–3 febrile a day with a planted outbreak of three days.
    static func planted(seed: UInt64, outbreakAt: Int, size: Int) -> [Int] {
        var state = seed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % 4)
        }
        var counts = (0..<40).map { _ in next() }
        for offset in 0..<3 { counts[outbreakAt + offset] += size }
        return counts
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func aPlantedOutbreakOpensOneAlertThatClearsAfterAQuietWeek(seed: UInt64) {
        let counts = Self.planted(seed: seed, outbreakAt: 20, size: 15)
        let (opened, closed) = Self.replay(counts)
        #expect(opened == [20], "\(counts)")
        // Signals can last while the baseline holds the outbreak; a quiet week after the last closes it.
        #expect(closed.count == 1 && closed[0] >= 29, "\(counts) \(closed)")
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func theBaselineAloneOpensNone(seed: UInt64) {
        var counts = Self.planted(seed: seed, outbreakAt: 20, size: 0)
        #expect(Self.replay(counts).opened.isEmpty, "\(counts)")
        // Sparse counts: a week of no febrile traveller, then one, is no cluster (σ is floored at 1).
        counts = Array(repeating: 0, count: 14) + [1]
        #expect(Self.replay(counts).opened.isEmpty)
    }

    /// A site that began screening three days ago has no baseline yet: the empty days before its
    /// first screening are not a quiet week its first travellers rise from.
    @Test func aNewSiteRaisesNothingOnItsFirstDays() {
        let watch = ScreeningWatch()
        for days in 1...4 {
            var measurements: [ScreeningSeries.Measurement] = []
            for index in (28 - days)..<28 {
                let noon = Self.start + Int64(index) * Self.day + Self.day / 2
                measurements += (0..<100).map { .init(time: noon + Int64($0), celsius: $0 < 3 ? 38.3 : 36.7) }
            }
            let series = ScreeningSeries.days(
                measurements, cutOff: 38, from: Self.start, to: Self.start + 27 * Self.day, ears: watch.ears, cusum: watch.cusum)
            #expect(series.allSatisfy { !$0.signal }, "\(days) days")
            #expect(watch.output(site: "s", days: series, isOpen: false, resolvedOn: nil) == nil)
        }
    }

    @Test func aClusterAPersonResolvedTodayDoesNotRaiseAgainToday() {
        let counts = Array(repeating: 1, count: 14) + [20]
        let days = Self.days(counts)
        #expect(days.last?.signal == true)
        let watch = ScreeningWatch()
        #expect(watch.output(site: "s", days: days, isOpen: false, resolvedOn: days.last?.date) == nil)
        #expect(watch.output(site: "s", days: days, isOpen: false, resolvedOn: "2026-03-01") != nil)
        guard case .raise(let condition)? = watch.output(site: "s", days: days, isOpen: true, resolvedOn: nil) else {
            Issue.record("an open cluster is raised again to update it")
            return
        }
        #expect(condition.message == "Fever cluster at Location/s: 20 of 100 screened febrile on 2026-03-15 (C1, C2, C3, CUSUM)")
        #expect(condition.values["location"] == "Location/s" && condition.values["febrile"] == 20)
        // Yesterday's cluster (its counts came late) raises today; the day after, it is too old.
        func quiet(_ date: String) -> ScreeningSeries.Day {
            ScreeningSeries.Day(date: date, screened: 100, febrile: 1, ears: EARS.Day(c1: nil, c2: nil, c3: nil), cusum: nil)
        }
        guard case .raise(let yesterday)? = watch.output(site: "s", days: days + [quiet("2026-03-16")], isOpen: false, resolvedOn: nil) else {
            Issue.record("yesterday's signal raises")
            return
        }
        #expect(yesterday.values["date"] == "2026-03-15")
        #expect(watch.output(site: "s", days: days + [quiet("2026-03-16")], isOpen: false, resolvedOn: "2026-03-15") == nil)
        #expect(watch.output(site: "s", days: days + [quiet("2026-03-16"), quiet("2026-03-17")], isOpen: false, resolvedOn: nil) == nil)
    }

    /// Just after midnight, before today's first screening, C3 (which sums three days) still
    /// carries yesterday's cluster: the alert names yesterday, with its counts, not an empty today.
    @Test func aDayWithoutScreeningsSignalsNothing() throws {
        var measurements: [ScreeningSeries.Measurement] = []
        for (index, febrile) in (Array(repeating: 1, count: 14) + [20]).enumerated() {
            let noon = Self.start + Int64(index) * Self.day + Self.day / 2
            measurements += (0..<100).map { .init(time: noon + Int64($0), celsius: $0 < febrile ? 38.3 : 36.7) }
        }
        let watch = ScreeningWatch()
        let days = ScreeningSeries.days(
            measurements, cutOff: 38, from: Self.start, to: Self.start + 15 * Self.day, ears: watch.ears, cusum: watch.cusum)
        let today = try #require(days.last)
        #expect(today.screened == 0 && today.ears.c3?.alarm == true, "C3 carries yesterday over a day without data")
        #expect(!today.signal)
        guard case .raise(let condition)? = watch.output(site: "s", days: days, isOpen: true, resolvedOn: nil) else {
            Issue.record("yesterday's cluster is still raised")
            return
        }
        #expect(condition.values["date"] == "2026-03-15" && condition.values["febrile"] == 20)
    }

    /// The CUSUM over already standardised values: a day without a baseline adds nothing, and one
    /// day's rise from a flat baseline (infinite) adds at most the cap.
    @Test func cusumOnStandardisedValues() {
        let sums = CUSUM().sums(standardized: [nil, 0, 2, .infinity, 0, 0, 0, 0])
        #expect(sums[0] == nil && sums[1]?.value == 0)
        #expect(SurveillanceTests.close(sums[2]?.value, 0.96) && sums[2]?.alarm == false)
        #expect(SurveillanceTests.close(sums[3]?.value, 0.96 + 4 - 1.04) && sums[3]?.alarm == true)
        #expect(sums[4]?.alarm == true && sums[5]?.alarm == false)
        #expect(sums.last??.value == 0 && sums.last??.alarm == false)
    }
}
