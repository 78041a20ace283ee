import Foundation
import Testing

@testable import VigilServer

/// Pages show times in the site's time zone, to the minute, as people write them.
@Suite struct SiteTimeTests {
    @Test func timesAreInTheSitesZoneAcrossADaylightSavingChange() throws {
        let paris = SiteTime(zone: try #require(TimeZone(identifier: "Europe/Paris")))
        // 2026-03-29 00:30 UTC is 01:30 CET; 01:30 UTC is 03:30 CEST.
        let before = Int64(1_774_744_200_000)
        #expect(paris.clock(before) == "01:30")
        #expect(paris.clock(before + 3_600_000) == "03:30")
        #expect(paris.clock(before + 3_600_000 + 9_000, seconds: true) == "03:30:09")
        #expect(paris.day(before) == "Sun 29 Mar")
        let utc = SiteTime(zone: try #require(TimeZone(identifier: "UTC")))
        #expect(utc.clock(before) == "00:30")
        #expect(["UTC", "GMT"].contains(utc.zoneName(at: before)))
        #expect(paris.zoneName(at: before) == "CET" || paris.zoneName(at: before) == "GMT+1")
    }
}
