/// What Vigil knows of one observation code: its display, FHIR category and, per UCUM unit,
/// the range of values a living patient can plausibly show.
public struct CodeDefinition: Sendable, Equatable {
    /// The code system, `http://loinc.org` for every built-in code.
    public let system: String
    public let code: String
    public let display: String
    /// The FHIR observation category (`vital-signs`, `laboratory`, `activity`, `exam`), or nil
    /// for device metrics that are no clinical observation.
    public let category: String?
    /// The UCUM units accepted for this code, each with its plausible range (inclusive).
    public let units: [String: ClosedRange<Double>]

    public init(system: String = CodeDefinition.loinc, code: String, display: String, category: String?, units: [String: ClosedRange<Double>]) {
        self.system = system
        self.code = code
        self.display = display
        self.category = category
        self.units = units
    }

    public static let loinc = "http://loinc.org"
    public static let ucum = "http://unitsofmeasure.org"
    public static let observationCategory = "http://terminology.hl7.org/CodeSystem/observation-category"

    /// Why `value` in `unit` cannot be a reading of this code, or nil when it can.
    public func problem(value: Double, unit: String) -> String? {
        guard let range = units[unit] else {
            return "unit \(unit) is not a unit of \(code) (use \(units.keys.sorted().joined(separator: " or ")))"
        }
        guard range.contains(value) else {
            return "value \(JSON.double(value).numberText ?? "") \(unit) is outside the plausible range "
                + "\(JSON.double(range.lowerBound).numberText ?? "")...\(JSON.double(range.upperBound).numberText ?? "") for \(code)"
        }
        return nil
    }
}
