import Testing

@testable import VigilClinical

/// EARS C1, C2 and C3 and the one-sided CUSUM on daily counts, against clinical.md §12.7 and on
/// generated series with a planted outbreak.
@Suite struct SurveillanceTests {
    /// clinical.md §12.7, days 1…12.
    static let series: [Double] = [5, 7, 6, 4, 6, 5, 7, 6, 5, 8, 9, 16]

    static func close(_ value: Double?, _ expected: Double, _ tolerance: Double = 0.001) -> Bool {
        value.map { abs($0 - expected) < tolerance } ?? false
    }

    @Test func theReferenceSeriesGivesTheWorkedValues() {
        let ears = EARS()
        let days = ears.evaluate(Self.series)
        #expect(days.count == 12)
        // Day 12 (index 11).
        #expect(Self.close(days[11].c1?.statistic, 6.236))
        #expect(Self.close(days[11].c1?.upperBound, 6.5714 + 3.0902 * 1.5119, 0.01))
        #expect(Self.close(days[11].c2?.statistic, 10.686))
        #expect(Self.close(days[11].c2?.upperBound, 8.587, 0.01))
        #expect(Self.close(days[11].c3?.statistic, 12.680))
        #expect(days[11].c1?.alarm == true && days[11].c2?.alarm == true && days[11].c3?.alarm == true)
        // Days 10 and 11: C2 below its threshold.
        #expect(Self.close(days[9].c2?.statistic, 2.054) && days[9].c2?.alarm == false)
        #expect(Self.close(days[10].c2?.statistic, 2.940) && days[10].c2?.alarm == false)
    }

    /// C1 from the 8th day, C2 from the 10th, C3 from the 12th: before, nothing is claimed.
    @Test func eachMethodStartsWhenItsBaselineIsThere() {
        let days = EARS().evaluate(Self.series)
        #expect(days.prefix(7).allSatisfy { $0.c1 == nil } && days[7].c1 != nil)
        #expect(days.prefix(9).allSatisfy { $0.c2 == nil } && days[9].c2 != nil)
        #expect(days.prefix(11).allSatisfy { $0.c3 == nil } && days[11].c3 != nil)
        #expect(days.allSatisfy { !$0.signal } == false)
        #expect(days.prefix(11).allSatisfy { !$0.signal })
    }

    /// The alarm is strictly above the bound (C1/C2) or the threshold (C3).
    @Test func theBoundItselfIsNoAlarm() {
        // Baseline 4, 6, 4, 6, 4, 6, 4: mean 34/7, sd of it; a count exactly at the bound.
        let baseline: [Double] = [4, 6, 4, 6, 4, 6, 4]
        let ears = EARS(z: 1)
        let mean = baseline.reduce(0, +) / 7
        let sd = (baseline.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6).squareRoot()
        let atBound = ears.c1(baseline + [mean + sd], at: 7)
        #expect(atBound?.alarm == false && Self.close(atBound?.statistic, 1))
        #expect(ears.c1(baseline + [mean + sd + 0.001], at: 7)?.alarm == true)
    }

    /// A flat baseline: any rise is an aberration (unless minSigma floors the SD), none is not.
    @Test func aFlatBaselineAlarmsOnAnyRiseUnlessFloored() {
        let flat: [Double] = Array(repeating: 0, count: 7)
        #expect(EARS().c1(flat + [1], at: 7)?.alarm == true)
        #expect(EARS().c1(flat + [0], at: 7)?.alarm == false)
        #expect(EARS(minSigma: 1).c1(flat + [3], at: 7)?.alarm == false)
        #expect(EARS(minSigma: 1).c1(flat + [4], at: 7)?.alarm == true)
    }

    /// Sixty days of counts around 20 (a fixed pseudo-random series), with 15 more cases planted
    /// on day 45: every method signals on day 45; C1 and C2 stay quiet on the days before; C3,
    /// which sums three days of C2, holds the outbreak for the two days after and lets it go.
    @Test func aPlantedOutbreakIsFoundAndTheQuietDaysAreNot() {
        var state: UInt64 = 42
        var counts: [Double] = (0..<60).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return 20 + Double(Int(state >> 33) % 7) - 3
        }
        counts[44] += 15
        let days = EARS().evaluate(counts)
        #expect(days[44].c1?.alarm == true && days[44].c2?.alarm == true && days[44].c3?.alarm == true)
        #expect(days.prefix(44).allSatisfy { $0.c1?.alarm != true && $0.c2?.alarm != true })
        #expect(days[45].c3?.alarm == true && days[46].c3?.alarm == true && days[47].c3?.alarm == false)
    }

    /// clinical.md §12.7: CUSUM standardised by days 1–7, k 1.04, h 2.26, alarms on day 11.
    @Test func cusumSignalsADayBeforeC1AndC2OnTheReferenceSeries() {
        let baseline = Array(Self.series.prefix(7))
        let sums = CUSUM().sums(of: Array(Self.series.dropFirst(7)), baseline: baseline)
        #expect(sums.count == 5)
        #expect(Self.close(sums[0].value, 0) && Self.close(sums[1].value, 0))
        #expect(Self.close(sums[2].value, 1.014) && !sums[2].alarm)
        #expect(Self.close(sums[3].value, 2.927) && sums[3].alarm)
        #expect(Self.close(sums[4].value, 11.131, 0.01) && sums[4].alarm)
        // At h exactly: an alarm ("equals or exceeds").
        #expect(CUSUM(k: 0, h: 1).sums(of: [2], baseline: [0, 1, 2])[0] == CUSUM.Sum(value: 1, alarm: true))
    }
}

/// A screening site's days from its temperatures: screened, febrile at the site's cut-off, EARS.
@Suite struct ScreeningSeriesTests {
    static let day: Int64 = 86_400_000
    /// 2026-03-01T00:00:00Z.
    static let start: Int64 = 1_772_323_200_000

    @Test func daysCountScreenedAndFebrileAtTheCutOffInclusive() {
        let temperatures: [ScreeningSeries.Measurement] = [
            .init(time: Self.start + 3_600_000, celsius: 36.8), .init(time: Self.start + 7_200_000, celsius: 37.99),
            .init(time: Self.start + 9_000_000, celsius: 38.0), .init(time: Self.start + Self.day + 60_000, celsius: 39.2),
        ]
        let days = ScreeningSeries.days(temperatures, cutOff: 38, from: Self.start, to: Self.start + 2 * Self.day)
        #expect(days.map(\.date) == ["2026-03-01", "2026-03-02", "2026-03-03"])
        #expect(days.map(\.screened) == [3, 1, 0] && days.map(\.febrile) == [1, 1, 0])
        // A site whose cut-off is 37.5 °C (skin temperature reads low) counts the 37.99 too.
        #expect(ScreeningSeries.days(temperatures, cutOff: 37.5, from: Self.start, to: Self.start).map(\.febrile) == [2])
    }

    /// Days are the site's local days: 23:30 UTC is the next day in Tokyo.
    @Test func daysAreTheSitesLocalDays() {
        let late = ScreeningSeries.Measurement(time: Self.start + Self.day - 1_800_000, celsius: 38.5)
        let utc = ScreeningSeries.days([late], cutOff: 38, from: Self.start, to: Self.start + Self.day)
        let tokyo = ScreeningSeries.days([late], cutOff: 38, from: Self.start, to: Self.start + Self.day, utcOffset: { _ in 9 * 3600 })
        #expect(utc.map(\.febrile) == [1, 0] && tokyo.map(\.febrile) == [0, 1])
    }

    /// Twelve days with the febrile counts of §12.7 (and ten times as many screened): day 12 signals.
    @Test func earsRunsOnTheFebrileCounts() {
        var temperatures: [ScreeningSeries.Measurement] = []
        for (index, febrile) in SurveillanceTests.series.enumerated() {
            let time = Self.start + Int64(index) * Self.day + 43_200_000
            temperatures += (0..<Int(febrile) * 10).map { .init(time: time, celsius: $0 < Int(febrile) ? 38.4 : 36.9) }
        }
        let days = ScreeningSeries.days(temperatures, cutOff: 38, from: Self.start, to: Self.start + 11 * Self.day)
        #expect(days.map(\.febrile) == SurveillanceTests.series.map { Int($0) })
        #expect(SurveillanceTests.close(days[11].ears.c2?.statistic, 10.686) && days[11].ears.signal)
        #expect(days.prefix(11).allSatisfy { !$0.ears.signal })
    }
}
