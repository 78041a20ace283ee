import Foundation
import Testing
import VigilCore

@testable import VigilClinical

/// Duty hours as FHIR states them (`availableTime`, `notAvailable`), in the site's local time.
@Suite struct DutyHoursTests {
    static let london = TimeZone(identifier: "Europe/London")!

    static func at(_ instant: String) -> Int64 { FHIRDateTime(instant)!.lowerBound }

    static let schoolNurse = try! DutyHours(
        availableTime: [["daysOfWeek": ["mon", "tue", "wed", "thu", "fri"], "availableStartTime": "08:00:00", "availableEndTime": "15:00:00"]],
        notAvailable: [["description": "Christmas holidays", "during": ["start": "2026-12-21", "end": "2027-01-01"]]], timeZone: london)

    @Test func aSchoolNurseIsOnDutyInSchoolHoursOnSchoolDaysOnly() {
        let hours = Self.schoolNurse
        #expect(hours.covers(Self.at("2026-12-09T10:30:00Z")))  // a Wednesday
        #expect(!hours.covers(Self.at("2026-12-12T10:30:00Z")))  // a Saturday
        #expect(!hours.covers(Self.at("2026-12-09T19:00:00Z")))
        #expect(!hours.covers(Self.at("2026-12-09T07:59:59Z")) && hours.covers(Self.at("2026-12-09T08:00:00Z")))
        #expect(hours.covers(Self.at("2026-12-09T14:59:59Z")) && !hours.covers(Self.at("2026-12-09T15:00:00Z")))
        // The holidays, whole local days from the first to the last.
        #expect(hours.covers(Self.at("2026-12-18T14:00:00Z")))
        #expect(!hours.covers(Self.at("2026-12-21T08:00:00Z")) && !hours.covers(Self.at("2026-12-22T10:30:00Z")))
        #expect(!hours.covers(Self.at("2027-01-01T14:59:00Z")) && hours.covers(Self.at("2027-01-04T08:00:00Z")))
        // In summer time the same local hours are an hour earlier in UTC.
        #expect(!hours.covers(Self.at("2026-06-10T06:59:59Z")) && hours.covers(Self.at("2026-06-10T07:00:00Z")))
        #expect(hours.covers(Self.at("2026-06-10T13:59:59Z")) && !hours.covers(Self.at("2026-06-10T14:00:00Z")))
    }

    /// A night shift runs into the next day, and keeps its local hours across both changes of the clocks.
    @Test func aNightShiftEndsAtSevenLocalAcrossDaylightSavingChanges() throws {
        let night = try DutyHours(
            availableTime: [["availableStartTime": "19:00:00", "availableEndTime": "07:00:00"]], notAvailable: [], timeZone: Self.london)
        #expect(night.covers(Self.at("2026-12-09T03:00:00Z")) && !night.covers(Self.at("2026-12-09T12:00:00Z")))
        // Spring: Sunday 29 March 2026, 01:00 UTC becomes 02:00 BST; 07:00 BST is 06:00 UTC.
        #expect(night.covers(Self.at("2026-03-28T19:00:00Z")) && !night.covers(Self.at("2026-03-28T18:59:59Z")))
        #expect(night.covers(Self.at("2026-03-29T05:59:59Z")) && !night.covers(Self.at("2026-03-29T06:00:00Z")))
        // Autumn: Sunday 25 October 2026, 02:00 BST becomes 01:00 GMT; 19:00 BST on Saturday is 18:00 UTC.
        #expect(night.covers(Self.at("2026-10-24T18:00:00Z")) && !night.covers(Self.at("2026-10-24T17:59:59Z")))
        #expect(night.covers(Self.at("2026-10-25T06:59:59Z")) && !night.covers(Self.at("2026-10-25T07:00:00Z")))
    }

    /// A span named for a day starts on that day: Friday's night runs into Saturday morning, not
    /// Friday's own small hours.
    @Test func aNightNamedForADayStartsOnThatDay() throws {
        let friday = try DutyHours(
            availableTime: [["daysOfWeek": ["fri"], "availableStartTime": "22:00:00", "availableEndTime": "06:00:00"]], notAvailable: [],
            timeZone: TimeZone(identifier: "UTC")!)
        #expect(friday.covers(Self.at("2026-12-11T23:00:00Z")) && friday.covers(Self.at("2026-12-12T03:00:00Z")))
        #expect(!friday.covers(Self.at("2026-12-11T03:00:00Z")) && !friday.covers(Self.at("2026-12-13T03:00:00Z")))
        #expect(!friday.covers(Self.at("2026-12-10T23:00:00Z")))
    }

    /// Against the wall clock Foundation's calendar reads, at random instants over two years in a
    /// zone with daylight saving: the same answer every time.
    @Test func dutyAgreesWithTheCalendarsWallClock() throws {
        let zone = TimeZone(identifier: "America/New_York")!
        let hours = try DutyHours(
            availableTime: [
                ["daysOfWeek": ["mon", "wed"], "availableStartTime": "01:30:00", "availableEndTime": "03:15:00"],
                ["daysOfWeek": ["sun"], "availableStartTime": "20:00:00", "availableEndTime": "02:30:00"],
                ["daysOfWeek": ["sat"], "allDay": true],
            ], notAvailable: [], timeZone: zone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var generator = SystemRandomNumberGenerator()
        let (from, to) = (Self.at("2026-01-01T00:00:00Z"), Self.at("2028-01-01T00:00:00Z"))
        for _ in 0..<20_000 {
            let time = Int64.random(in: from..<to, using: &generator) / 1000 * 1000
            let parts = calendar.dateComponents([.weekday, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(time) / 1000))
            let (weekday, second) = (parts.weekday!, parts.hour! * 3600 + parts.minute! * 60 + parts.second!)  // weekday: 1 is Sunday
            let expected =
                ([2, 4].contains(weekday) && (5400..<11_700).contains(second)) || (weekday == 1 && second >= 72_000)
                || (weekday == 2 && second < 9000) || weekday == 7
            #expect(hours.covers(time) == expected, "\(FHIRDateTime.instant(milliseconds: time))")
        }
    }

    /// What cannot be read is refused with its place, never read as always or never on duty.
    @Test func unreadableHoursAreRefusedWithTheirPlace() {
        let cases: [(available: [JSON], away: [JSON], place: String)] = [
            ([["daysOfWeek": ["monday"], "allDay": true]], [], "PractitionerRole.availableTime[0].daysOfWeek[0]"),
            ([["daysOfWeek": ["mon"], "availableEndTime": "15:00:00"]], [], "PractitionerRole.availableTime[0].availableStartTime"),
            (
                [["allDay": true], ["availableStartTime": "8:00", "availableEndTime": "15:00:00"]], [],
                "PractitionerRole.availableTime[1].availableStartTime"
            ),
            ([["availableStartTime": "08:00:00", "availableEndTime": "24:00:00"]], [], "PractitionerRole.availableTime[0].availableEndTime"),
            ([], [["description": "leave"]], "PractitionerRole.notAvailable[0].during"),
            ([], [["during": ["start": "next week"]]], "PractitionerRole.notAvailable[0].during.start"),
        ]
        for (available, away, place) in cases {
            #expect(throws: VigilError.self) { try DutyHours(availableTime: available, notAvailable: away, timeZone: Self.london) }
            do {
                _ = try DutyHours(availableTime: available, notAvailable: away, timeZone: Self.london)
            } catch let error as VigilError {
                #expect(error.issues.first?.expression == place)
            } catch {}
        }
        #expect(DutyHours.secondsOfDay("08:00:00.5") == 28_800 && DutyHours.secondsOfDay("23:59:59") == 86_399)
    }
}
