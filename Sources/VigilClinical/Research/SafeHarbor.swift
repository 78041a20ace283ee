import VigilCore

/// The HIPAA Safe Harbor method (45 CFR 164.514(b)(2)) as Vigil applies it to what leaves for
/// research: a versioned profile whose settings a research export's manifest names.
///
/// Of the 18 identifier classes, what it keeps is transformed: ZIP codes to their first three
/// digits (`000` where those cover 20,000 people or fewer), dates to their year, and a birth date
/// that allows an age of 90 or more to nothing but that fact. Everything else is left out by
/// ``Deidentifier``'s allow list.
public struct SafeHarbor: Sendable, Equatable {
    public static let name = "safe-harbor"
    public static let version = "2026-12"

    /// The ZIP3 areas of 20,000 people or fewer in the HHS list (2000 Census).
    public static let hhsRestrictedZIP3: Set<String> = [
        "036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893",
    ]

    /// ZIP3 areas whose prefix becomes `000`.
    public var restrictedZIP3: Set<String>
    /// Quasi-identifier classes smaller than this are left out of an export.
    public var k: Int

    public init(restrictedZIP3: Set<String> = hhsRestrictedZIP3, k: Int = 5) { (self.restrictedZIP3, self.k) = (restrictedZIP3, k) }

    /// A US ZIP code (`02108`, `02108-1234`) as its first three digits, `000` when restricted; nil
    /// for anything else, which is left out.
    public func zip3(_ postalCode: String) -> String? {
        let digits = Array(postalCode.utf8)
        guard digits.count == 5 || (digits.count == 10 && digits[5] == UInt8(ascii: "-")),
            digits.enumerated().allSatisfy({ $0.offset == 5 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0.element) })
        else { return nil }
        let prefix = String(decoding: digits.prefix(3), as: UTF8.self)
        return restrictedZIP3.contains(prefix) ? "000" : prefix
    }

    /// A US ZIP code as its five digits (a limited data set keeps them); nil for anything else.
    public static func zip5(_ postalCode: String) -> String? {
        guard SafeHarbor(restrictedZIP3: []).zip3(postalCode) != nil else { return nil }
        return String(postalCode.prefix(5))
    }

    /// The year of a FHIR date or dateTime; nil when it is not one.
    public static func year(_ text: String) -> String? {
        guard FHIRDateTime(text) != nil else { return nil }
        return String(text.prefix(4))
    }

    /// What of a birth date may leave on `today`: its year, unless it allows an age of 90 or more
    /// (then only that fact), or the year alone allows it (then nothing).
    public static func birth(_ text: String, on today: (year: Int, month: Int, day: Int)) -> (year: String?, ninetyOrOlder: Bool) {
        guard let year = year(text) else { return (nil, false) }
        if isNinetyOrOlder(born: text, on: today) { return (nil, true) }
        // A year that someone of 90 could have been born in says too much, even of someone younger.
        return (isNinetyOrOlder(born: year, on: today) ? nil : year, false)
    }

    /// Whether a birth date allows an age of 90 or more on `today`: then its year goes too.
    public static func isNinetyOrOlder(born text: String, on today: (year: Int, month: Int, day: Int)) -> Bool {
        guard let range = FHIRDateTime(text), let earliest = Birth(fhirDate: FHIRDateTime.date(milliseconds: range.lowerBound)) else { return true }
        return earliest.ageInMonths(on: today) / 12 >= 90
    }
}
