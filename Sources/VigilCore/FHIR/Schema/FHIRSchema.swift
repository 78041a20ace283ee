/// The structure of every FHIR R4 resource and datatype: each element's type, cardinality, choice
/// group and required binding.
///
/// The tables are generated from the R4 StructureDefinitions in `data/fhir-r4/` by
/// `scripts/generate-fhir-structures.py` (``definitions``) and read once, at first use.
/// ``FHIRValidator`` walks a resource against them, so what Vigil stores, and so serves, is valid
/// FHIR R4. Which types Vigil stores is ``FHIRResourceType``'s business, not the schema's.
public enum FHIRSchema {
    /// The elements of a resource type, or nil when R4 has no such resource.
    public static func elements(ofResource type: String) -> [String: FHIRElement]? {
        tables.resources[type]
    }

    /// The elements of a complex datatype.
    public static func elements(ofDatatype name: String) -> [String: FHIRElement]? {
        tables.datatypes[name]
    }

    /// The elements of the backbone element at `path` (`Patient.contact`).
    static func elements(ofBackbone path: String) -> [String: FHIRElement]? {
        tables.backbones[path]
    }

    /// What `_name` may carry beside a primitive value: its id and extensions.
    static var primitiveElement: [String: FHIRElement] { tables.datatypes["Element"] ?? [:] }

    private struct Tables {
        var resources: [String: [String: FHIRElement]] = [:]
        var datatypes: [String: [String: FHIRElement]] = [:]
        var backbones: [String: [String: FHIRElement]] = [:]
    }

    private static let tables: Tables = {
        guard case .object(let root) = try? JSON.parse(definitions) else { fatalError("FHIRSchema.definitions is not JSON") }
        func table(_ json: JSON?) -> [String: [String: FHIRElement]] {
            var tables: [String: [String: FHIRElement]] = [:]
            for structure in json?.objectValue ?? JSONObject() {
                var elements: [String: FHIRElement] = [:]
                for element in structure.value.objectValue ?? JSONObject() {
                    elements[element.key] = FHIRElement(generated: element.value)
                }
                tables[structure.key] = elements
            }
            return tables
        }
        var tables = Tables(resources: table(root["resources"]), datatypes: table(root["datatypes"]), backbones: table(root["backbones"]))
        tables.datatypes["Element"] = ["id": FHIRElement(.primitive(.string)), "extension": FHIRElement(.complex("Extension"), array: true)]
        return tables
    }()
}

extension FHIRElement {
    /// Reads one element of ``FHIRSchema/definitions``: `[type, repeats, required, group, codes, summary]`.
    fileprivate init(generated json: JSON) {
        let fields = json.arrayValue ?? []
        let name = fields.first?.stringValue ?? ""
        let type: FHIRElementType
        if let codes = fields.count > 4 ? fields[4].arrayValue : nil {
            type = .codeIn(Set(codes.compactMap(\.stringValue)))
        } else if name.hasPrefix("@") {
            type = .backbone(String(name.dropFirst()))
        } else if name == "Resource" {
            type = .resource
        } else if let primitive = FHIRPrimitive(rawValue: name) {
            type = .primitive(primitive)
        } else {
            type = .complex(name)
        }
        self.init(
            type, array: fields.count > 1 && fields[1].int64Value == 1, required: fields.count > 2 && fields[2].int64Value == 1,
            choiceGroup: fields.count > 3 ? fields[3].stringValue : nil, summary: fields.count > 5 && fields[5].int64Value == 1)
    }
}
