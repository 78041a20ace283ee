/// One segment: a three-character id (`MSH`, `PID`, `OBX`, …) and its fields.
///
/// Fields are numbered as HL7 numbers them: `field(1)` is the first after the id. In MSH,
/// field 1 is the field separator itself and field 2 the encoding characters, as written.
public struct HL7Segment: Sendable, Equatable {
    public var id: String
    /// Fields 1…n.
    public var fields: [HL7Field]

    public init(_ id: String, _ fields: [HL7Field]) {
        self.id = id
        self.fields = fields
    }

    /// Field `n` (1-based); the empty field when absent.
    public func field(_ n: Int) -> HL7Field {
        guard n >= 1, n <= fields.count else { return .empty }
        return fields[n - 1]
    }

    /// Component `component` of field `n`, first repetition.
    public subscript(_ n: Int, component component: Int = 1) -> String { field(n).component(component) }
}
