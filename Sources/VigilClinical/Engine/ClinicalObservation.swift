public import VigilCore

/// One committed observation of a patient, as the rules see it: a device reading or an
/// observation someone entered.
public struct ClinicalObservation: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case quantity(Double, unit: String)
        /// A level of consciousness someone assessed.
        case consciousness(ACVPU)
        /// Work of breathing someone assessed (a Bedside PEWS item).
        case respiratoryEffort(PEWS.RespiratoryEffort)
    }

    public var code: String
    public var value: Value
    /// When it was measured (device time), milliseconds since the epoch.
    public var time: Int64
    /// The Observation's id, for `derivedFrom`.
    public var id: String
    /// The device that measured it, if any.
    public var device: String?

    public init(code: String, value: Value, time: Int64, id: String, device: String? = nil) {
        self.code = code
        self.value = value
        self.time = time
        self.id = id
        self.device = device
    }

    /// A device reading.
    public init(_ reading: StoredReading) {
        self.init(
            code: reading.reading.code, value: .quantity(reading.reading.value, unit: reading.reading.unit), time: reading.reading.time,
            id: String(reading.id), device: reading.reading.key.device
        )
    }

    public var quantity: (value: Double, unit: String)? {
        if case .quantity(let value, let unit) = value { return (value, unit) }
        return nil
    }
}

/// What the rules need to know about a patient besides readings: birth date and care-plan settings.
public struct PatientContext: Sendable, Equatable {
    /// Nil when the birth date is unknown (scored as an adult).
    public var birth: Birth?
    public var news2Scale: NEWS2.Scale
    /// Care-plan threshold rules; each replaces the policy rule with the same id, or adds one.
    public var thresholdRules: [ThresholdRule]
    /// Peak-flow personal best (L/min); asthma rules apply when it is known.
    public var peakFlowBest: Double?

    public init(birth: Birth? = nil, news2Scale: NEWS2.Scale = .one, thresholdRules: [ThresholdRule] = [], peakFlowBest: Double? = nil) {
        self.birth = birth
        self.news2Scale = news2Scale
        self.thresholdRules = thresholdRules
        self.peakFlowBest = peakFlowBest
    }

    /// The rules in force: the policy's, overridden and extended by the care plan's, for this age.
    public func rules(policy: ClinicalPolicy, ageInMonths: Int?) -> [ThresholdRule] {
        var byID: [String: ThresholdRule] = [:]
        var order: [String] = []
        for rule in policy.thresholds + thresholdRules {
            if byID[rule.id] == nil { order.append(rule.id) }
            byID[rule.id] = rule
        }
        return order.compactMap { byID[$0] }.filter { $0.applies(toAgeInMonths: ageInMonths) }
    }
}

/// A recorded birth date, read for age: a whole date, or only a year or a year and month, in which
/// case the youngest age it allows is used (the paediatric band for a child who may not have had
/// a birthday yet) and scores say so.
public struct Birth: Sendable, Equatable {
    /// The last day the recorded date allows.
    public var year: Int
    public var month: Int
    public var day: Int
    /// The date as recorded, when it had no day.
    public var partial: String?

    public init(year: Int, month: Int, day: Int, partial: String? = nil) {
        self.year = year
        self.month = month
        self.day = day
        self.partial = partial
    }

    /// The birth date of someone exactly `months` old at `now` (milliseconds): the same day of the
    /// month, at most the 28th.
    public init(monthsOld months: Int, at now: Int64) {
        let today = FHIRDateTime.date(milliseconds: now).split(separator: "-").compactMap { Int($0) }
        let total = today[0] * 12 + (today[1] - 1) - months
        self.init(year: total / 12, month: total % 12 + 1, day: min(today[2], 28))
    }

    /// A FHIR date (`2019`, `2019-05`, `2019-05-14`); nil when it is not one.
    public init?(fhirDate text: String) {
        guard let date = FHIRDateTime(text) else { return nil }
        if date.precision == .day, text.utf8.count == 10 {
            // The common whole date, read without formatting it again.
            let digits = Array(text.utf8).map { Int($0) - 48 }
            self.init(
                year: digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3], month: digits[5] * 10 + digits[6],
                day: digits[8] * 10 + digits[9])
            return
        }
        let parts = FHIRDateTime.date(milliseconds: date.upperBound).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        self.init(year: parts[0], month: parts[1], day: parts[2], partial: date.precision < .day ? text : nil)
    }

    /// Whole months of age at `now` (milliseconds), never negative.
    public func ageInMonths(at now: Int64) -> Int { ageInMonths(on: Self.day(of: now)) }

    /// Whole months of age on `today` (its UTC year, month and day), never negative.
    public func ageInMonths(on today: (year: Int, month: Int, day: Int)) -> Int {
        max(0, (today.year - year) * 12 + (today.month - month) - (today.day < day ? 1 : 0))
    }

    /// The UTC year, month and day of `now` (milliseconds).
    public static func day(of now: Int64) -> (year: Int, month: Int, day: Int) {
        let parts = FHIRDateTime.date(milliseconds: now).split(separator: "-").compactMap { Int($0) }
        return (parts[0], parts[1], parts[2])
    }

    /// What a score says about an age read from a partial date.
    public var note: String? {
        partial.map { "the youngest age birth date \($0) allows" }
    }
}
