/// A FHIR `date`, `dateTime` or `instant`, parsed with its precision.
///
/// A value stands for a range of instants: `2026` is the whole year, `2026-03-01` the whole day,
/// `2026-03-01T08:00:00Z` one second. Search compares ranges. Values without a time are read as
/// UTC days (FHIR leaves their zone to the reader; Vigil documents UTC).
///
/// ```swift
/// let day = FHIRDateTime("2026-03-01")!
/// day.range   // 2026-03-01T00:00:00.000Z ... 2026-03-01T23:59:59.999Z, in milliseconds
/// ```
public struct FHIRDateTime: Sendable, Equatable {
    public enum Precision: Int, Sendable, Comparable {
        case year, month, day, second, millisecond
        public static func < (a: Precision, b: Precision) -> Bool { a.rawValue < b.rawValue }
    }

    public let precision: Precision
    /// The first millisecond (since 1970-01-01T00:00:00Z) the value covers.
    public let lowerBound: Int64
    /// The last millisecond the value covers.
    public let upperBound: Int64

    public var range: ClosedRange<Int64> { lowerBound...upperBound }

    /// Parses a FHIR `date`, `dateTime` or `instant`. A time requires a zone (`Z` or `±hh:mm`).
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ FHIRDateTime(utf8: $0) }) else { return nil }
        self = parsed
    }

    private init?(utf8: UnsafeBufferPointer<UInt8>) {
        var scanner = DigitScanner(utf8)
        guard let year = scanner.digits(4) else { return nil }
        var month = 1, day = 1
        var precision = Precision.year
        var hour = 0, minute = 0, second = 0, millis = 0, offsetMinutes = 0
        if scanner.take(UInt8(ascii: "-")) {
            guard let m = scanner.digits(2), (1...12).contains(m) else { return nil }
            month = m
            precision = .month
            if scanner.take(UInt8(ascii: "-")) {
                guard let d = scanner.digits(2), (1...FHIRDateTime.daysIn(month: m, year: year)).contains(d) else { return nil }
                day = d
                precision = .day
                if scanner.take(UInt8(ascii: "T")) {
                    guard let h = scanner.digits(2), h < 24, scanner.take(UInt8(ascii: ":")),
                        let mi = scanner.digits(2), mi < 60, scanner.take(UInt8(ascii: ":")),
                        let s = scanner.digits(2), s < 60
                    else { return nil }
                    (hour, minute, second) = (h, mi, s)
                    precision = .second
                    if scanner.take(UInt8(ascii: ".")) {
                        guard let (fraction, count) = scanner.fraction() else { return nil }
                        millis = count >= 3 ? fraction : fraction * (count == 1 ? 100 : 10)
                        precision = .millisecond
                    }
                    if scanner.take(UInt8(ascii: "Z")) {
                        offsetMinutes = 0
                    } else if let sign = scanner.takeSign() {
                        guard let oh = scanner.digits(2), oh <= 14, scanner.take(UInt8(ascii: ":")),
                            let om = scanner.digits(2), om < 60
                        else { return nil }
                        offsetMinutes = sign * (oh * 60 + om)
                    } else {
                        return nil
                    }
                }
            }
        }
        guard scanner.atEnd else { return nil }
        let days = FHIRDateTime.daysSinceEpoch(year: year, month: month, day: day)
        let start =
            Int64(days) * 86_400_000 + Int64(hour * 3_600_000 + minute * 60_000 + second * 1000 + millis)
            - Int64(offsetMinutes) * 60_000
        self.precision = precision
        self.lowerBound = start
        switch precision {
        case .year:
            let next = FHIRDateTime.daysSinceEpoch(year: year + 1, month: 1, day: 1)
            self.upperBound = Int64(next) * 86_400_000 - 1
        case .month:
            let next =
                month == 12
                ? FHIRDateTime.daysSinceEpoch(year: year + 1, month: 1, day: 1)
                : FHIRDateTime.daysSinceEpoch(year: year, month: month + 1, day: 1)
            self.upperBound = Int64(next) * 86_400_000 - 1
        case .day: self.upperBound = start + 86_400_000 - 1
        case .second: self.upperBound = start + 999
        case .millisecond: self.upperBound = start
        }
    }

    /// Whether the text has a time (and so a zone): the form FHIR calls `instant` when seconds are given.
    public var hasTime: Bool { precision >= .second }

    /// Formats milliseconds since the epoch as a FHIR `instant` in UTC
    /// (`2026-03-01T08:00:00Z`, or with `.123` when the milliseconds are not zero).
    public static func instant(milliseconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendInstant(milliseconds: milliseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the FHIR `instant` of `milliseconds` as UTF-8, without intermediate strings.
    public static func appendInstant(milliseconds: Int64, to bytes: inout [UInt8]) {
        let days = Int(floorDiv(milliseconds, 86_400_000))
        let msOfDay = Int(milliseconds - Int64(days) * 86_400_000)
        let (y, m, d) = civil(fromDays: days)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var value = value
            if value >= divisor * 10 {  // years beyond 9999
                bytes.append(contentsOf: String(value).utf8)
                return
            }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor))
                value %= divisor
                divisor /= 10
            }
        }
        digits(y, 4); bytes.append(UInt8(ascii: "-")); digits(m, 2); bytes.append(UInt8(ascii: "-")); digits(d, 2)
        bytes.append(UInt8(ascii: "T")); digits(msOfDay / 3_600_000, 2); bytes.append(UInt8(ascii: ":"))
        digits(msOfDay / 60_000 % 60, 2); bytes.append(UInt8(ascii: ":")); digits(msOfDay / 1000 % 60, 2)
        if msOfDay % 1000 != 0 {
            bytes.append(UInt8(ascii: "."))
            digits(msOfDay % 1000, 3)
        }
        bytes.append(UInt8(ascii: "Z"))
    }

    /// Formats milliseconds since the epoch as a FHIR `date` (UTC day).
    public static func date(milliseconds: Int64) -> String {
        let (y, m, d) = civil(fromDays: Int(floorDiv(milliseconds, 86_400_000)))
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian year, month and day of a day counted from 1970-01-01.
    public static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// Reads fixed-width digit groups and separators from ASCII bytes.
private struct DigitScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func takeSign() -> Int? {
        if take(UInt8(ascii: "+")) { return 1 }
        if take(UInt8(ascii: "-")) { return -1 }
        return nil
    }

    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        index += count
        return value
    }

    /// Reads one or more fraction digits, keeping the first three (milliseconds).
    mutating func fraction() -> (Int, Int)? {
        var value = 0, count = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            if count < 3 { value = value * 10 + Int(bytes[index] - 0x30) }
            count += 1
            index += 1
        }
        return count == 0 ? nil : (value, count)
    }
}
