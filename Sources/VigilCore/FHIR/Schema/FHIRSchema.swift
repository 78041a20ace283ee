/// The structure of the FHIR R4 resources Vigil stores: every element each resource may carry,
/// its type, cardinality and required bindings.
///
/// The tables are data, written from the R4 specification (https://hl7.org/fhir/R4/), and cover
/// the whole of each supported resource except `contained` resources. ``FHIRValidator`` walks a
/// resource against them, so what Vigil stores, and so serves, is valid FHIR R4.
public enum FHIRSchema {
    /// Elements every stored resource may carry (DomainResource).
    static let resourceBase: [String: FHIRElement] = [
        "id": .one(.id),
        "meta": .one(.complex("Meta")),
        "implicitRules": .one(.uri),
        "language": .one(.code),
        "text": .one(.complex("Narrative")),
        "extension": .many(.complex("Extension")),
        "modifierExtension": .many(.complex("Extension")),
    ]

    /// The elements of a resource type, or nil when Vigil does not store that type.
    public static func elements(ofResource type: String) -> [String: FHIRElement]? {
        resourceElements[type]
    }

    /// The elements of a complex datatype.
    public static func elements(ofDatatype name: String) -> [String: FHIRElement]? {
        datatypes[name]
    }

    static let resources: [String: [String: FHIRElement]] = administrativeResources.merging(clinicalResources) { a, _ in a }

    /// Each resource's elements with the base ones, merged once.
    private static let resourceElements = resources.mapValues { resourceBase + $0 }
}
