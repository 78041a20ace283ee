/// HL7 v2 date/time values (DTM/TS): `YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]`.
public enum HL7Time {
    /// The offset from UTC, in seconds, of a place's clocks when they show a given wall-clock time
    /// (passed as milliseconds read as if it were UTC): how a time written without an offset is
    /// read at its sender's place.
    public typealias LocalOffset = @Sendable (Int64) -> Int

    /// Milliseconds since 1970 (UTC) of an HL7 time. A value without an offset is the sender's
    /// local time when `localOffset` is given, else UTC. Nil when it is not such a value (or not
    /// a real calendar date).
    public static func milliseconds(_ text: String, localOffset: LocalOffset? = nil) -> Int64? {
        let bytes = Array(text.utf8)
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1] - UInt8(ascii: "0")) } }
        var end = bytes.count
        var offsetMinutes: Int?
        if let sign = bytes.firstIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }) {
            // Four digits: `+-100` is not an offset.
            guard bytes.count - sign == 5, bytes[(sign + 1)...].allSatisfy(isDigit) else { return nil }
            let (hours, minutes) = (number(sign + 1..<sign + 3), number(sign + 3..<sign + 5))
            guard hours < 24, minutes < 60 else { return nil }
            offsetMinutes = (hours * 60 + minutes) * (bytes[sign] == UInt8(ascii: "-") ? -1 : 1)
            end = sign
        }
        var fraction = 0.0
        if let dot = bytes[..<end].firstIndex(of: UInt8(ascii: ".")) {
            // One to four digits: `.1e3` is not a fraction of a second.
            let decimals = bytes[(dot + 1)..<end]
            guard (1...4).contains(decimals.count), decimals.allSatisfy(isDigit), let value = Double("0." + String(decoding: decimals, as: UTF8.self))
            else { return nil }
            fraction = value
            end = dot
        }
        guard [4, 6, 8, 10, 12, 14].contains(end), bytes[..<end].allSatisfy(isDigit) else { return nil }
        func part(_ at: Int, _ length: Int, default value: Int) -> Int { end >= at + length ? number(at..<at + length) : value }
        let (year, month, day) = (part(0, 4, default: 0), part(4, 2, default: 1), part(6, 2, default: 1))
        let (hour, minute, second) = (part(8, 2, default: 0), part(10, 2, default: 0), part(12, 2, default: 0))
        guard (1...12).contains(month), (1...daysIn(month, year)).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let wallClock = (Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1000 + Int64((fraction * 1000).rounded())
        let offsetSeconds = offsetMinutes.map { $0 * 60 } ?? localOffset?(wallClock) ?? 0
        return wallClock - Int64(offsetSeconds) * 1000
    }

    /// `YYYYMMDDHHMMSS` in UTC.
    public static func text(milliseconds: Int64) -> String {
        let seconds = milliseconds.dividedFloor(by: 1000)
        let days = Int(seconds.dividedFloor(by: 86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = civil(fromDays: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)" + two(month) + two(day) + two(secondOfDay / 3600) + two(secondOfDay / 60 % 60) + two(secondOfDay % 60)
    }

    private static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 (proleptic Gregorian; Howard Hinnant's algorithm).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    fileprivate func dividedFloor(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
