/// HL7 v2 date/time values (DTM/TS): `YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]`.
public enum HL7Time {
    /// Milliseconds since 1970 (UTC) of an HL7 time; a value without an offset is read as UTC.
    /// Nil when it is not such a value (or not a real calendar date).
    public static func milliseconds(_ text: String) -> Int64? {
        var digits = Substring(text)
        var offsetMinutes = 0
        if let sign = digits.firstIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = digits[digits.index(after: sign)...]
            guard zone.count == 4, let hours = Int(zone.prefix(2)), let minutes = Int(zone.suffix(2)), hours < 24, minutes < 60 else { return nil }
            offsetMinutes = (hours * 60 + minutes) * (digits[sign] == "-" ? -1 : 1)
            digits = digits[..<sign]
        }
        var fraction = 0.0
        if let dot = digits.firstIndex(of: ".") {
            let decimals = digits[digits.index(after: dot)...]
            guard !decimals.isEmpty, decimals.count <= 4, decimals.allSatisfy(\.isASCII), let value = Double("0." + decimals) else { return nil }
            fraction = value
            digits = digits[..<dot]
        }
        guard [4, 6, 8, 10, 12, 14].contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        func part(_ at: Int, _ length: Int, default value: Int) -> Int {
            guard digits.count >= at + length else { return value }
            let start = digits.index(digits.startIndex, offsetBy: at)
            return Int(digits[start..<digits.index(start, offsetBy: length)])!
        }
        let (year, month, day) = (part(0, 4, default: 0), part(4, 2, default: 1), part(6, 2, default: 1))
        let (hour, minute, second) = (part(8, 2, default: 0), part(10, 2, default: 0), part(12, 2, default: 0))
        guard (1...12).contains(month), (1...daysIn(month, year)).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64((fraction * 1000).rounded())
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
