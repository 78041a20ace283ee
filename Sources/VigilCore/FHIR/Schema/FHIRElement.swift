/// The FHIR primitive types, with their lexical rules in ``FHIRPrimitiveCheck``.
public enum FHIRPrimitive: String, Sendable {
    case boolean, integer, positiveInt, unsignedInt, decimal
    case string, markdown, code, id, uri, url, canonical, oid, uuid, base64Binary, xhtml
    case date, dateTime, instant, time
}

/// The type of one element in a FHIR structure.
public enum FHIRElementType: Sendable {
    case primitive(FHIRPrimitive)
    /// A code with a required binding: only these values are allowed.
    case codeIn(Set<String>)
    /// A named complex datatype (`CodeableConcept`, `Reference`, …), looked up in ``FHIRSchema``.
    case complex(String)
    /// An inline structure (a FHIR BackboneElement), named by its path (`Patient.contact`).
    case backbone(String)
    /// Any resource, of the type its `resourceType` names (`contained`, `Bundle.entry.resource`).
    case resource
}

/// One element of a FHIR structure: its type, cardinality and choice group.
public struct FHIRElement: Sendable {
    public let type: FHIRElementType
    public let isArray: Bool
    public let isRequired: Bool
    /// For a choice element (`value[x]` written as `valueQuantity`), the group name (`value`):
    /// at most one member of a group may appear, and a required group needs exactly one.
    public let choiceGroup: String?
    /// Whether R4 marks it as part of the summary (`_summary=true`).
    public let isSummary: Bool

    public init(_ type: FHIRElementType, array: Bool = false, required: Bool = false, choiceGroup: String? = nil, summary: Bool = false) {
        self.type = type
        self.isArray = array
        self.isRequired = required
        self.choiceGroup = choiceGroup
        self.isSummary = summary
    }

    public var isPrimitive: Bool {
        switch type {
        case .primitive, .codeIn: true
        case .complex, .backbone, .resource: false
        }
    }
}
