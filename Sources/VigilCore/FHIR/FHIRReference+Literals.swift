extension FHIRReference {
    /// Every literal reference in `json` (the `reference` string of each Reference element,
    /// contained resources included), with the FHIRPath of its Reference: `Encounter.participant[0].individual`.
    public static func literals(in json: JSON, path: String) -> [(path: String, reference: String)] {
        var found: [(path: String, reference: String)] = []
        collect(json, path: path, into: &found)
        return found
    }

    private static func collect(_ json: JSON, path: String, into found: inout [(path: String, reference: String)]) {
        switch json {
        case .object(let object):
            for member in object {
                if member.key == "reference", let text = member.value.stringValue {
                    found.append((path, text))
                } else {
                    collect(member.value, path: "\(path).\(member.key)", into: &found)
                }
            }
        case .array(let items):
            for (i, item) in items.enumerated() { collect(item, path: "\(path)[\(i)]", into: &found) }
        default:
            break
        }
    }
}

extension JSON {
    /// This resource with every `reference` that is a key of `map` replaced by its value: a
    /// bundle's `urn:uuid:` full URLs by the `Type/id` the server gave their entries.
    public func rewritingReferences(_ map: [String: String]) -> JSON {
        switch self {
        case .object(var object):
            for member in object {
                if member.key == "reference", let text = member.value.stringValue, let target = map[text] {
                    object[member.key] = .string(target)
                } else {
                    object[member.key] = member.value.rewritingReferences(map)
                }
            }
            return .object(object)
        case .array(let items):
            return .array(items.map { $0.rewritingReferences(map) })
        default:
            return self
        }
    }
}
