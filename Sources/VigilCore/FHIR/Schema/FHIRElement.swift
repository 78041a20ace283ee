/// The FHIR primitive types Vigil reads and writes, with their lexical rules.
public enum FHIRPrimitive: String, Sendable {
    case boolean, integer, positiveInt, unsignedInt, decimal
    case string, markdown, code, id, uri, url, canonical, oid, uuid, base64Binary, xhtml
    case date, dateTime, instant, time
}

/// The type of one element in a FHIR structure.
public indirect enum FHIRElementType: Sendable {
    case primitive(FHIRPrimitive)
    /// A code with a required binding: only these values are allowed.
    case codeIn(Set<String>)
    /// A named complex datatype (`CodeableConcept`, `Reference`, …), looked up in ``FHIRSchema``.
    case complex(String)
    /// An inline structure (a FHIR BackboneElement).
    case backbone([String: FHIRElement])
}

/// One element of a FHIR structure: its type, cardinality and choice group.
public struct FHIRElement: Sendable {
    public let type: FHIRElementType
    public let isArray: Bool
    public let isRequired: Bool
    /// For a choice element (`value[x]` written as `valueQuantity`), the group name (`value`):
    /// at most one member of a group may appear, and a required group needs exactly one.
    public let choiceGroup: String?

    public init(_ type: FHIRElementType, array: Bool = false, required: Bool = false, choiceGroup: String? = nil) {
        self.type = type
        self.isArray = array
        self.isRequired = required
        self.choiceGroup = choiceGroup
    }

    public var isPrimitive: Bool {
        switch type {
        case .primitive, .codeIn: true
        case .complex, .backbone: false
        }
    }
}

/// A small vocabulary for writing structure tables: `"name": .one(.string)`, `"given": .many(.string)`.
extension FHIRElement {
    static func one(_ type: FHIRElementType) -> FHIRElement { FHIRElement(type) }
    static func many(_ type: FHIRElementType) -> FHIRElement { FHIRElement(type, array: true) }
    static func req(_ type: FHIRElementType) -> FHIRElement { FHIRElement(type, required: true) }
    static func reqMany(_ type: FHIRElementType) -> FHIRElement { FHIRElement(type, array: true, required: true) }
}

extension FHIRElementType {
    static let boolean = FHIRElementType.primitive(.boolean)
    static let integer = FHIRElementType.primitive(.integer)
    static let positiveInt = FHIRElementType.primitive(.positiveInt)
    static let unsignedInt = FHIRElementType.primitive(.unsignedInt)
    static let decimal = FHIRElementType.primitive(.decimal)
    static let string = FHIRElementType.primitive(.string)
    static let markdown = FHIRElementType.primitive(.markdown)
    static let code = FHIRElementType.primitive(.code)
    static let id = FHIRElementType.primitive(.id)
    static let uri = FHIRElementType.primitive(.uri)
    static let url = FHIRElementType.primitive(.url)
    static let canonical = FHIRElementType.primitive(.canonical)
    static let base64Binary = FHIRElementType.primitive(.base64Binary)
    static let date = FHIRElementType.primitive(.date)
    static let dateTime = FHIRElementType.primitive(.dateTime)
    static let instant = FHIRElementType.primitive(.instant)
    static let time = FHIRElementType.primitive(.time)

    static let codeableConcept = FHIRElementType.complex("CodeableConcept")
    static let coding = FHIRElementType.complex("Coding")
    static let reference = FHIRElementType.complex("Reference")
    static let identifier = FHIRElementType.complex("Identifier")
    static let period = FHIRElementType.complex("Period")
    static let quantity = FHIRElementType.complex("Quantity")
    static let range = FHIRElementType.complex("Range")
    static let ratio = FHIRElementType.complex("Ratio")
    static let humanName = FHIRElementType.complex("HumanName")
    static let contactPoint = FHIRElementType.complex("ContactPoint")
    static let address = FHIRElementType.complex("Address")
    static let attachment = FHIRElementType.complex("Attachment")
    static let annotation = FHIRElementType.complex("Annotation")
    static let timing = FHIRElementType.complex("Timing")
    static let dosage = FHIRElementType.complex("Dosage")
    static let sampledData = FHIRElementType.complex("SampledData")

    static func codes(_ values: String...) -> FHIRElementType { .codeIn(Set(values)) }
}

/// Builds the members of a choice element: `choice("value", ["Quantity": .quantity, "String": .string])`
/// gives `valueQuantity` and `valueString` in group `value`.
func choice(_ name: String, required: Bool = false, _ types: [String: FHIRElementType]) -> [String: FHIRElement] {
    var members: [String: FHIRElement] = [:]
    for (suffix, type) in types {
        members[name + suffix] = FHIRElement(type, required: required, choiceGroup: name)
    }
    return members
}

extension Dictionary where Key == String, Value == FHIRElement {
    /// Merges element tables; a later table's entries win.
    static func + (lhs: Self, rhs: Self) -> Self { lhs.merging(rhs) { _, new in new } }
}
