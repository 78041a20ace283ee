import VigilCore

/// The body of `POST /api/exposures`, checked: whose exposures, over which window, how near and
/// how long counts, why (the purpose of use, audited), and optionally which condition makes a case.
struct ExposureRequest: Sendable {
    var index: String
    var from: Int64
    var to: Int64
    var distance: Double
    var minutes: Int
    var reason: String
    /// Cases share this condition with the index; nil: any of the index's active conditions.
    var condition: ValueSetCode?

    static let longestWindow: Int64 = 42 * 86_400_000
    static let farthest = 100.0

    init(_ body: JSON) throws(VigilError) {
        guard case .object(let object) = body else { throw VigilError(.invalid, "the body must be a JSON object") }
        let known = ["index", "from", "to", "distanceMeters", "minutes", "reason", "condition"]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw VigilError(.invalid, "unknown member \(unknown); exposures take \(known.joined(separator: ", "))", expression: unknown)
        }
        guard let reason = object["reason"]?.stringValue?.trimmingWhitespace(), !reason.isEmpty else {
            throw VigilError(.invalid, "reason is required: why you trace this person's exposures (it is audited)", expression: "reason")
        }
        guard reason.count <= 500 else { throw VigilError(.tooLarge, "reason is limited to 500 characters", expression: "reason") }
        guard let text = object["index"]?.stringValue, let reference = FHIRReference(text.hasPrefix("Patient/") ? text : "Patient/\(text)"),
            reference.type == "Patient"
        else { throw VigilError(.invalid, "index takes Patient/ID", expression: "index") }
        func instant(_ name: String) throws(VigilError) -> FHIRDateTime {
            guard let text = object[name]?.stringValue, let parsed = FHIRDateTime(text) else {
                throw VigilError(.invalid, "\(name) takes a FHIR date or instant", expression: name)
            }
            return parsed
        }
        let from = try instant("from").lowerBound
        let to = try instant("to").upperBound + 1
        guard from < to, to - from <= Self.longestWindow else {
            throw VigilError(.invalid, "from must come before to, at most 42 days apart", expression: "to")
        }
        guard let distance = object["distanceMeters"]?.doubleValue, distance > 0, distance <= Self.farthest else {
            throw VigilError(.invalid, "distanceMeters takes a number above 0 and at most \(Int(Self.farthest))", expression: "distanceMeters")
        }
        guard let minutes = object["minutes"]?.int64Value, (0...1440).contains(minutes) else {
            throw VigilError(.invalid, "minutes takes a whole number from 0 to 1,440", expression: "minutes")
        }
        var condition: ValueSetCode?
        if let value = object["condition"] {
            let parts = value.stringValue?.split(separator: "|", maxSplits: 1).map(String.init) ?? []
            guard parts.count == 2 else { throw VigilError(.invalid, "condition takes SYSTEM|CODE", expression: "condition") }
            condition = ValueSetCode(system: parts[0], code: parts[1])
        }
        (self.index, self.from, self.to, self.distance, self.minutes, self.reason, self.condition) =
            (reference.id, from, to, distance, Int(minutes), reason, condition)
    }
}
