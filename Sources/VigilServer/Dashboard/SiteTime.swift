import Foundation

/// Times on the dashboard's pages as the site reads them: in the server's time zone (the `TZ`
/// environment variable, else the system's), to the minute, 24-hour clock.
struct SiteTime: Sendable {
    let zone: TimeZone
    private let calendar: Calendar

    init(zone: TimeZone) {
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// The server's time zone.
    static let current = SiteTime(zone: .current)

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private func parts(_ milliseconds: Int64) -> DateComponents {
        calendar.dateComponents(
            [.year, .month, .day, .weekday, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// `14:05`, or `14:05:09` with `seconds`.
    func clock(_ milliseconds: Int64, seconds: Bool = false) -> String {
        let time = parts(milliseconds)
        let clock = String(format: "%02d:%02d", time.hour ?? 0, time.minute ?? 0)
        return seconds ? clock + String(format: ":%02d", time.second ?? 0) : clock
    }

    /// `Sat 5 Dec`.
    func day(_ milliseconds: Int64) -> String {
        let time = parts(milliseconds)
        return "\(Self.weekdays[(time.weekday ?? 1) - 1]) \(time.day ?? 1) \(Self.months[(time.month ?? 1) - 1])"
    }

    /// `14:05` today, `Sat 5 Dec 14:05` another day (as seen at `now`).
    func moment(_ milliseconds: Int64, now: Int64) -> String {
        day(milliseconds) == day(now) ? clock(milliseconds) : "\(day(milliseconds)) \(clock(milliseconds))"
    }

    /// The zone's abbreviation at a moment (`CET`, `CEST`, `UTC`).
    func zoneName(at milliseconds: Int64) -> String {
        zone.abbreviation(for: Date(timeIntervalSince1970: Double(milliseconds) / 1000)) ?? zone.identifier
    }
}
