import PropertyBased
import Testing
import VigilCore

@Suite struct FHIRDateTimeTests {
    @Test func aDayCoversItsWholeUTCDay() throws {
        let day = try #require(FHIRDateTime("2026-03-01"))
        #expect(day.precision == .day)
        #expect(day.lowerBound == FHIRDateTime("2026-03-01T00:00:00Z")?.lowerBound)
        #expect(day.upperBound == FHIRDateTime("2026-03-01T23:59:59.999Z")?.lowerBound)
    }

    @Test func yearsAndMonthsCoverTheirLength() throws {
        let leapFebruary = try #require(FHIRDateTime("2024-02"))
        #expect(leapFebruary.upperBound - leapFebruary.lowerBound + 1 == 29 * 86_400_000)
        let year = try #require(FHIRDateTime("2025"))
        #expect(year.upperBound - year.lowerBound + 1 == 365 * 86_400_000)
        let december = try #require(FHIRDateTime("2025-12"))
        #expect(december.upperBound + 1 == FHIRDateTime("2026")?.lowerBound)
    }

    @Test func zonesShiftTheInstant() {
        #expect(FHIRDateTime("2026-03-01T10:00:00+02:00")?.lowerBound == FHIRDateTime("2026-03-01T08:00:00Z")?.lowerBound)
        #expect(FHIRDateTime("2026-03-01T00:30:00-05:30")?.lowerBound == FHIRDateTime("2026-03-01T06:00:00Z")?.lowerBound)
    }

    @Test func fractionsKeepMilliseconds() {
        #expect(FHIRDateTime("1970-01-01T00:00:00.5Z")?.lowerBound == 500)
        #expect(FHIRDateTime("1970-01-01T00:00:00.123456Z")?.lowerBound == 123)
        #expect(FHIRDateTime("1970-01-01T00:00:01Z")?.upperBound == 1999)
    }

    @Test(arguments: [
        "2026-13-01", "2026-02-30", "2026-03-01T08:00:00", "2026-03-01T24:00:00Z", "2026-3-1", "26-03-01", "2026-03-01T08:00Z",
        "2026-03-01T08:00:00+2:00", "2026-03-01 08:00:00Z", "", "2026-03-01T08:00:00.Z", "2023-02-29",
    ])
    func refusesMalformedDates(_ text: String) {
        #expect(FHIRDateTime(text) == nil)
    }

    @Test func instantsRoundTrip() async {
        await propertyCheck(count: 500, input: Gen.int64(in: -2_000_000_000_000...4_000_000_000_000)) { ms in
            let text = FHIRDateTime.instant(milliseconds: ms)
            #expect(FHIRDateTime(text)?.lowerBound == ms)
        }
    }

    @Test func knownInstantsFormat() {
        #expect(FHIRDateTime.instant(milliseconds: 0) == "1970-01-01T00:00:00Z")
        #expect(FHIRDateTime.instant(milliseconds: 1_772_352_000_123) == "2026-03-01T08:00:00.123Z")
        #expect(FHIRDateTime.date(milliseconds: -1) == "1969-12-31")
    }
}
