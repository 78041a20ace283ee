/// The ranges a vital sign's value is read against: the policy's own tables, so that what the
/// board marks and the charts shade is what the scores and alerts count. NEWS2's table for an
/// adult (SpO2 on the patient's scale), the age band's Bedside PEWS table for a child (and for a
/// child's temperature, which PEWS does not score, the fever threshold), the glucose levels for
/// glucose at any age; a temperature in °F is read against the same tables, converted. A code or
/// unit without a table has no range: it is shown unmarked, never marked normal by a guess.
public struct VitalRange: Sendable, Equatable {
    public enum Severity: Int, Sendable, Comparable {
        /// Scores nothing.
        case normal
        /// Scores, below a single parameter's red score (NEWS2 1–2; glucose level 1, or high).
        case moderate
        /// A single parameter's red score (NEWS2 3, a PEWS item of 4; glucose level 2).
        case severe

        public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }

        /// As the board's JSON names it.
        public var name: String {
            switch self {
            case .normal: "normal"
            case .moderate: "moderate"
            case .severe: "severe"
            }
        }
    }

    public enum Side: String, Sendable { case low, high }

    /// One stretch of values, `lower` to `upper` (nil: unbounded), with its points in the score.
    public struct Zone: Sendable, Equatable {
        public var lower: Double?
        public var upper: Double?
        /// Nil for glucose, which is not scored.
        public var points: Int?
        public var severity: Severity
        /// The values as the table reads them: `12–20`, `≤ 8`, `≥ 25`, `< 54`, `54–70`.
        public var label: String
    }

    /// How a value outside the normal range is marked.
    public struct Mark: Sendable, Equatable {
        public var points: Int?
        public var side: Side
        public var severity: Severity

        public init(points: Int?, side: Side, severity: Severity) {
            (self.points, self.side, self.severity) = (points, side, severity)
        }
    }

    /// From the lowest values up.
    public let zones: [Zone]
    private let source: Source

    /// What a value is scored by.
    private enum Source: Equatable {
        /// Points from the table; `red` or more is severe.
        case table(BandTable, red: Int)
        /// Glucose levels, in the reading's unit.
        case glucose(level2Below: Double, level1Below: Double, highAbove: Double)
        /// A child's temperature, which PEWS does not score: the fever threshold (°C).
        case fever(atLeast: Double)
    }

    /// A reading in °F is read against tables in °C.
    private let fahrenheit: Bool

    /// °F of a bound in °C (the other way is ``FeverPolicy/celsius(_:unit:)``).
    private static func fahrenheit(_ celsius: Double) -> Double { celsius * 9 / 5 + 32 }

    /// The range of `code` in `unit` for a patient of `ageInMonths` (nil: scored as an adult).
    public init?(code: String, unit: String, context: PatientContext, ageInMonths: Int?, policy: ClinicalPolicy) {
        if policy.glucose.codes.contains(code) {
            guard let perMilligram = Glucose.milligramsPerDeciliter(1, unit: unit) else { return nil }
            let glucose = policy.glucose
            let (level2, level1, high) = (glucose.level2Below / perMilligram, glucose.level1Below / perMilligram, glucose.highAbove / perMilligram)
            source = .glucose(level2Below: level2, level1Below: level1, highAbove: high)
            fahrenheit = false
            let shown = { (value: Double) in Self.text(value, decimals: perMilligram == 1 ? 0 : 1) }
            zones = [
                Zone(lower: nil, upper: level2, points: nil, severity: .severe, label: "< \(shown(level2))"),
                Zone(lower: level2, upper: level1, points: nil, severity: .moderate, label: "\(shown(level2))–\(shown(level1))"),
                Zone(lower: level1, upper: high, points: nil, severity: .normal, label: "\(shown(level1))–\(shown(high))"),
                Zone(lower: high, upper: nil, points: nil, severity: .moderate, label: "> \(shown(high))"),
            ]
            return
        }
        let child = ageInMonths.map { $0 < policy.paediatricBelowAgeInMonths } ?? false
        if code == ClinicalCodes.temperature, !["Cel", "[degF]"].contains(unit) { return nil }
        let inFahrenheit = code == ClinicalCodes.temperature && unit == "[degF]"
        fahrenheit = inFahrenheit
        if child, code == ClinicalCodes.temperature {
            let atLeast = policy.fever.atLeastCelsius
            let shown = inFahrenheit ? Self.fahrenheit(atLeast) : atLeast
            source = .fever(atLeast: atLeast)
            zones = [
                Zone(lower: nil, upper: shown, points: nil, severity: .normal, label: "< \(Self.text(shown, decimals: 1))"),
                Zone(lower: shown, upper: nil, points: nil, severity: .moderate, label: "≥ \(Self.text(shown, decimals: 1))"),
            ]
            return
        }
        let chosen: (table: BandTable, unit: String, red: Int)?
        if child {
            let band = policy.pews.bands.first { (ageInMonths ?? 0) < $0.belowAgeInMonths }
            let red = policy.pews.mediumItem
            chosen =
                switch code {
                case ClinicalCodes.heartRate: band.map { ($0.heartRate, "/min", red) }
                case ClinicalCodes.respiratoryRate: band.map { ($0.respiratoryRate, "/min", red) }
                case ClinicalCodes.systolicBP: band.map { ($0.systolicBP, "mm[Hg]", red) }
                case _ where ClinicalCodes.spo2.contains(code): (policy.pews.spo2, "%", red)
                default: nil
                }
        } else {
            let news2 = policy.news2, red = news2.redScore
            chosen =
                switch code {
                case ClinicalCodes.heartRate: (news2.pulse, "/min", red)
                case ClinicalCodes.respiratoryRate: (news2.respirationRate, "/min", red)
                case ClinicalCodes.systolicBP: (news2.systolicBP, "mm[Hg]", red)
                case ClinicalCodes.temperature: (news2.temperature, "Cel", red)
                case _ where ClinicalCodes.spo2.contains(code): (context.news2Scale == .two ? news2.spo2Scale2OnAir : news2.spo2Scale1, "%", red)
                default: nil
                }
        }
        guard let chosen, chosen.unit == unit || inFahrenheit else { return nil }
        let (table, red) = (chosen.table, chosen.red)
        func severity(_ points: Int) -> Severity { Self.severity(points, red: red) }
        // A table's bounds are inclusive after rounding: the boundary lies half a step above.
        let half = Rounding.round(0.5 / pow10(table.decimals), decimals: table.decimals + 1)
        let shown = { (celsius: Double) in inFahrenheit ? Self.fahrenheit(celsius) : celsius }
        func label(_ lower: Double?, _ upper: Double?) -> String {
            let decimals = inFahrenheit ? 1 : table.decimals
            let (first, last) = (
                lower.map { Self.text(shown($0 + half), decimals: decimals) }, upper.map { Self.text(shown($0 - half), decimals: decimals) }
            )
            switch (first, last) {
            case (nil, let last?): return "≤ \(last)"
            case (let first?, nil): return "≥ \(first)"
            case (let first?, let last?): return first == last ? first : "\(first)–\(last)"
            case (nil, nil): return "all"
            }
        }
        var zones: [Zone] = []
        var lower: Double?
        for band in table.bands {
            let upper = band.upTo + half
            if let last = zones.last, last.points == band.points {
                zones[zones.count - 1].upper = upper
                zones[zones.count - 1].label = label(last.lower, upper)
            } else {
                zones.append(Zone(lower: lower, upper: upper, points: band.points, severity: severity(band.points), label: label(lower, upper)))
            }
            lower = upper
        }
        zones.append(Zone(lower: lower, upper: nil, points: table.above, severity: severity(table.above), label: label(lower, nil)))
        self.source = .table(table, red: red)
        // Bounds in the reading's unit; labels were written from the table's.
        self.zones = zones.map { zone in
            var zone = zone
            (zone.lower, zone.upper) = (zone.lower.map(shown), zone.upper.map(shown))
            return zone
        }
    }

    private static func severity(_ points: Int, red: Int) -> Severity { points >= red ? .severe : points > 0 ? .moderate : .normal }

    /// `20`, `37.5`: a bound as the table writes it.
    static func text(_ value: Double, decimals: Int) -> String {
        let rounded = Rounding.round(value, decimals: decimals)
        return decimals == 0 || rounded == rounded.rounded() ? String(Int(rounded.rounded())) : String(rounded)
    }

    /// The normal range (the zones that score nothing), when there is one.
    public var normal: ClosedRange<Double>? {
        let normal = zones.filter { $0.severity == .normal }
        guard let low = normal.first?.lower, let high = normal.last?.upper else { return nil }
        return low...high
    }

    /// How `value` is marked; nil when it is normal.
    public func mark(_ value: Double) -> Mark? {
        let read = fahrenheit ? FeverPolicy.celsius(value, unit: "[degF]") ?? value : value
        let (points, severity): (Int?, Severity) =
            switch source {
            case .table(let table, let red): (table.points(for: read), Self.severity(table.points(for: read), red: red))
            case .glucose(let level2, let level1, let high): (nil, read < level2 ? .severe : read < level1 || read > high ? .moderate : .normal)
            case .fever(let atLeast): (nil, read >= atLeast ? .moderate : .normal)
            }
        guard severity != .normal else { return nil }
        let firstNormal = zones.first { $0.severity == .normal }?.lower ?? -.infinity
        return Mark(points: points, side: value < firstNormal ? .low : .high, severity: severity)
    }
}

private func pow10(_ decimals: Int) -> Double { (0..<decimals).reduce(1.0) { value, _ in value * 10 } }
