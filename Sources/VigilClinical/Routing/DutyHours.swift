public import Foundation
public import VigilCore

/// When someone is on duty, as FHIR states it in `PractitionerRole.availableTime` and
/// `notAvailable`, read in the local time of their site: a school nurse on school days 08:00–15:00
/// but not in the holidays, a night nurse 19:00–07:00. Local times stay local across daylight-saving
/// changes: the night of the spring change is an hour shorter, and 07:00 is still 07:00.
public struct DutyHours: Sendable, Equatable {
    /// Hours on duty, starting on the given days.
    public struct Span: Sendable, Equatable {
        /// The days the span starts on, ISO numbered (1 Monday … 7 Sunday).
        public var days: Set<Int>
        /// Local start and end, seconds after midnight. An end at or before the start runs into
        /// the next day (a night shift); all day is 0 to 86,400.
        public var start: Int
        public var end: Int

        public init(days: Set<Int>, start: Int, end: Int) { (self.days, self.start, self.end) = (days, start, end) }
    }

    /// A time off duty (holidays, leave). Each bound is an instant, or a local day when FHIR gives
    /// a date alone (a holiday is a day where the school is, not a UTC day); nil is open.
    public struct Away: Sendable, Equatable {
        public enum Bound: Sendable, Equatable {
            case instant(Int64)
            /// A local date as `year * 10_000 + month * 100 + day`.
            case day(Int)
        }
        public var from: Bound?
        public var to: Bound?

        public init(from: Bound?, to: Bound?) { (self.from, self.to) = (from, to) }
    }

    public var spans: [Span]
    public var away: [Away]
    public var timeZone: TimeZone

    public init(spans: [Span], away: [Away] = [], timeZone: TimeZone) { (self.spans, self.away, self.timeZone) = (spans, away, timeZone) }

    /// Whether `time` (milliseconds since 1970) is on duty.
    public func covers(_ time: Int64) -> Bool {
        let local = LocalTime(time, in: timeZone)
        for away in away where Self.within(away, time, local) { return false }
        return spans.contains { span in
            if span.end > span.start { return span.days.contains(local.weekday) && span.start <= local.second && local.second < span.end }
            return (span.days.contains(local.weekday) && local.second >= span.start)
                || (span.days.contains(local.weekday == 1 ? 7 : local.weekday - 1) && local.second < span.end)
        }
    }

    private static func within(_ away: Away, _ time: Int64, _ local: LocalTime) -> Bool {
        let afterStart: Bool =
            switch away.from {
            case nil: true
            case .instant(let start): time >= start
            case .day(let day): local.date >= day
            }
        let beforeEnd: Bool =
            switch away.to {
            case nil: true
            case .instant(let end): time <= end
            case .day(let day): local.date <= day
            }
        return afterStart && beforeEnd
    }

    /// A time as a clock on the wall shows it.
    struct LocalTime {
        /// ISO weekday (1 Monday … 7 Sunday), seconds after local midnight, `yyyymmdd`.
        var weekday: Int
        var second: Int
        var date: Int

        init(_ time: Int64, in zone: TimeZone) {
            let shifted = time + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time) / 1000))) * 1000
            let days = Int(shifted >= 0 ? shifted / 86_400_000 : (shifted - 86_399_999) / 86_400_000)
            let (year, month, day) = FHIRDateTime.civil(fromDays: days)
            // 1970-01-01 was a Thursday (ISO 4).
            weekday = ((days % 7 + 7) % 7 + 3) % 7 + 1
            second = Int((shifted - Int64(days) * 86_400_000) / 1000)
            date = year * 10_000 + month * 100 + day
        }
    }
}

extension DutyHours {
    static let dayCodes = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]

    /// Reads `availableTime` and `notAvailable` of a PractitionerRole (or the same elements
    /// elsewhere), in `timeZone`. What cannot be read is refused with its place, never taken as
    /// always or never on duty.
    public init(availableTime: [JSON], notAvailable: [JSON], timeZone: TimeZone, at path: String = "PractitionerRole") throws {
        var spans: [Span] = []
        for (index, available) in availableTime.enumerated() {
            let place = "\(path).availableTime[\(index)]"
            var days: Set<Int> = []
            for (dayIndex, code) in (available["daysOfWeek"]?.arrayValue ?? []).enumerated() {
                guard let day = code.stringValue.flatMap({ Self.dayCodes[$0] }) else {
                    throw VigilError(
                        .unprocessable, "a day of the week is mon, tue, wed, thu, fri, sat or sun", expression: "\(place).daysOfWeek[\(dayIndex)]")
                }
                days.insert(day)
            }
            if available["daysOfWeek"] == nil { days = Set(1...7) }
            if available["allDay"]?.boolValue == true {
                spans.append(Span(days: days, start: 0, end: 86_400))
                continue
            }
            func seconds(_ element: String) throws -> Int {
                guard let text = available[element]?.stringValue, let seconds = Self.secondsOfDay(text) else {
                    throw VigilError(
                        .unprocessable, "\(element) is a FHIR time (hh:mm:ss), required unless allDay is true", expression: "\(place).\(element)")
                }
                return seconds
            }
            spans.append(Span(days: days, start: try seconds("availableStartTime"), end: try seconds("availableEndTime")))
        }
        var away: [Away] = []
        for (index, period) in notAvailable.enumerated() {
            let place = "\(path).notAvailable[\(index)].during"
            func bound(_ element: String) throws -> Away.Bound? {
                guard let value = period["during"]?[element] else { return nil }
                guard let text = value.stringValue, let parsed = FHIRDateTime(text) else {
                    throw VigilError(.unprocessable, "\(element) is a FHIR dateTime", expression: "\(place).\(element)")
                }
                if parsed.hasTime { return .instant(element == "start" ? parsed.lowerBound : parsed.upperBound) }
                // A date alone is a local day (a month or a year: its first or last day).
                let (year, month, day) = FHIRDateTime.civil(
                    fromDays: Int((element == "start" ? parsed.lowerBound : parsed.upperBound) / 86_400_000))
                return .day(year * 10_000 + month * 100 + day)
            }
            guard period["during"] != nil else {
                throw VigilError(.unprocessable, "a time off duty needs its period (during)", expression: place)
            }
            away.append(Away(from: try bound("start"), to: try bound("end")))
        }
        self.init(spans: spans, away: away, timeZone: timeZone)
    }

    /// The extension by which a Location states its time zone (an IANA name in `valueCode`).
    public static let timeZoneExtension = "http://hl7.org/fhir/StructureDefinition/timezone"

    /// The time zone a Location states, nil when it states none; a name that is not an IANA time
    /// zone is refused with its place.
    public static func timeZone(of location: JSON) throws -> TimeZone? {
        let extensions = location["extension"]?.arrayValue ?? []
        guard let index = extensions.firstIndex(where: { $0["url"]?.stringValue == timeZoneExtension }) else { return nil }
        guard let name = extensions[index]["valueCode"]?.stringValue, let zone = TimeZone(identifier: name) else {
            throw VigilError(
                .unprocessable, "the time zone is an IANA name in valueCode (Europe/London, America/New_York)",
                expression: "Location.extension[\(index)]")
        }
        return zone
    }

    /// `hh:mm:ss` (FHIR `time`, fractions ignored) as seconds after midnight.
    static func secondsOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            let seconds = Int(parts[2].prefix(2)), parts[2].count == 2 || parts[2].dropFirst(2).first == ".",
            (0...23).contains(hours), (0...59).contains(minutes), (0...59).contains(seconds)
        else { return nil }
        return hours * 3600 + minutes * 60 + seconds
    }
}
