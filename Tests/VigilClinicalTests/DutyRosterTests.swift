import Foundation
import Testing
import VigilCore

@testable import VigilClinical

/// Who of a care team is on duty: people with hours within them, people without hours standing in
/// for their level while nobody with hours at it is on duty.
@Suite struct DutyRosterTests {
    static func at(_ instant: String) -> Int64 { FHIRDateTime(instant)!.lowerBound }

    static func hours(_ role: String, days: [String]? = nil, from start: String, to end: String) -> DutyRoster.RoleHours {
        var available = JSONObject()
        available["availableStartTime"] = .string(start)
        available["availableEndTime"] = .string(end)
        if let days { available["daysOfWeek"] = .array(days.map { .string($0) }) }
        return DutyRoster.RoleHours(
            role: role, hours: try! DutyHours(availableTime: [.object(available)], notAvailable: [], timeZone: TimeZone(identifier: "UTC")!))
    }

    static let school = DutyRoster([
        .init(
            account: "user/sally", level: 0,
            hours: [hours("PractitionerRole/school", days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00:00", to: "15:00:00")]),
        .init(account: "user/pat", level: 0),
        .init(account: "user/doc", level: 1),
    ])

    @Test func thePersonWithoutHoursStandsInOutsideTheOthersHours() {
        let tuesday = Self.school.duties(at: Self.at("2026-12-08T10:30:00Z"))
        #expect(tuesday.map(\.account) == ["user/pat", "user/sally", "user/doc"], "by level, then account")
        #expect(tuesday.filter(\.onDuty).map(\.account) == ["user/sally", "user/doc"])
        #expect(tuesday[0].reason == "no hours of their own; user/sally on duty at this level")
        #expect(tuesday[1].reason == "within the hours of PractitionerRole/school")
        #expect(tuesday[2].reason == "no hours stated at this level", "another level is not stood in for")
        let evening = Self.school.duties(at: Self.at("2026-12-08T19:00:00Z"))
        #expect(evening.filter(\.onDuty).map(\.account) == ["user/pat", "user/doc"])
        #expect(evening[0].reason == "no hours of their own; nobody at this level is within their hours")
        #expect(evening[1].reason == "outside the hours of PractitionerRole/school")
        #expect(Self.school.onDuty(at: Self.at("2026-12-12T10:30:00Z")) == ["user/pat", "user/doc"], "a Saturday")
    }

    @Test func aPersonWithSeveralRolesIsOnDutyWithinAnyOfThem() {
        let roster = DutyRoster([
            .init(
                account: "user/nina", level: 0,
                hours: [
                    Self.hours("PractitionerRole/ward-a", days: ["mon"], from: "07:00:00", to: "19:00:00"),
                    Self.hours("PractitionerRole/ward-b", days: ["tue"], from: "07:00:00", to: "19:00:00"),
                ])
        ])
        #expect(roster.duties(at: Self.at("2026-12-08T08:00:00Z")).first?.reason == "within the hours of PractitionerRole/ward-b")
        #expect(
            roster.duties(at: Self.at("2026-12-09T08:00:00Z")).first?.reason
                == "outside the hours of PractitionerRole/ward-a, PractitionerRole/ward-b")
        #expect(roster.onDuty(at: Self.at("2026-12-09T08:00:00Z")).isEmpty, "nobody stands in: the level is empty")
    }

    /// Whatever the hours, at every moment each level with anyone on it has someone on duty
    /// exactly when someone with hours is within them or someone without hours is on it.
    @Test func aLevelIsNeverLeftEmptyWhileSomeoneWithoutHoursIsOnIt() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let members = (0..<Int.random(in: 1...5, using: &generator)).map { index in
                let start = Int.random(in: 0...23, using: &generator)
                let end = Int.random(in: 0...23, using: &generator)
                let hours =
                    Bool.random(using: &generator)
                    ? []
                    : [Self.hours("PractitionerRole/r\(index)", from: String(format: "%02d:00:00", start), to: String(format: "%02d:00:00", end))]
                return DutyRoster.Member(account: "user/u\(index)", level: Int.random(in: 0...1, using: &generator), hours: hours)
            }
            let time = Self.at("2026-12-08T00:00:00Z") + Int64.random(in: 0..<86_400_000, using: &generator)
            let onDuty = DutyRoster(members).onDuty(at: time)
            for level in Set(members.map(\.level)) {
                let atLevel = members.filter { $0.level == level }
                let within = atLevel.contains { $0.hours.contains { $0.hours.covers(time) } }
                let standIn = atLevel.contains { $0.hours.isEmpty }
                #expect(atLevel.contains { onDuty.contains($0.account) } == (within || standIn))
            }
        }
    }
}
