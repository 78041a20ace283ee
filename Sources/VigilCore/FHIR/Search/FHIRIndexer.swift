import Foundation

/// One value a resource holds for a search parameter.
public enum FHIRIndexValue: Sendable, Hashable {
    /// A code or identifier; `system` is nil when the value has none.
    case token(system: String?, code: String)
    /// A reference target, as `Type/id`.
    case reference(String)
    /// A date or period, as the first and last millisecond it covers.
    case date(low: Int64, high: Int64)
    /// Text as written; stores also keep it folded by ``FHIRIndexer/normalize(_:)`` for matching.
    case string(String)
}

/// A search parameter's value in one resource.
public struct FHIRIndexEntry: Sendable, Hashable {
    public let parameter: String
    public let value: FHIRIndexValue

    public init(_ parameter: String, _ value: FHIRIndexValue) {
        self.parameter = parameter
        self.value = value
    }
}

/// Extracts the values a resource holds for its type's search parameters, for the store to index.
public enum FHIRIndexer {
    /// The references (`Type/id`) `resource` holds through the reference parameter `parameter`.
    public static func references(_ parameter: String, in resource: JSON, type: FHIRResourceType) -> [String] {
        entries(for: resource, type: type).compactMap { entry in
            guard entry.parameter == parameter, case .reference(let target) = entry.value else { return nil }
            return target
        }
    }

    /// Every search-parameter value of `resource`, deduplicated.
    public static func entries(for resource: JSON, type: FHIRResourceType) -> [FHIRIndexEntry] {
        var entries: [FHIRIndexEntry] = []
        var seen: Set<FHIRIndexEntry> = []
        for parameter in FHIRSearchParameter.parameters(of: type).values.sorted(by: { $0.name < $1.name }) {
            for path in parameter.paths {
                for node in values(at: path, in: resource) {
                    for value in indexValues(node, parameter: parameter) {
                        let entry = FHIRIndexEntry(parameter.name, value)
                        if seen.insert(entry).inserted { entries.append(entry) }
                    }
                }
            }
        }
        return entries
    }

    /// The nodes a dotted path reaches, flattening arrays. A step written `name[x]` matches the
    /// choice element of that name whatever its type suffix (`effective[x]` → `effectiveDateTime`).
    public static func values(at path: String, in root: JSON) -> [JSON] {
        var nodes = [root]
        for step in path.split(separator: ".") {
            var next: [JSON] = []
            for node in nodes {
                guard case .object(let object) = node else { continue }
                if step.hasSuffix("[x]") {
                    let prefix = step.dropLast(3)
                    for member in object where member.key.hasPrefix(prefix) {
                        let rest = member.key.dropFirst(prefix.count)
                        if let first = rest.first, first.isUppercase { next.append(contentsOf: flatten(member.value)) }
                    }
                } else if let value = object[String(step)] {
                    next.append(contentsOf: flatten(value))
                }
            }
            nodes = next
        }
        return nodes
    }

    private static func flatten(_ value: JSON) -> [JSON] {
        if case .array(let items) = value { return items }
        return [value]
    }

    static func indexValues(_ node: JSON, parameter: FHIRSearchParameter) -> [FHIRIndexValue] {
        switch parameter.kind {
        case .token: return tokens(node)
        case .reference:
            guard let text = node["reference"]?.stringValue, let reference = FHIRReference(text) else { return [] }
            if let target = parameter.targetType, reference.type != target { return [] }
            return [.reference(reference.description)]
        case .date:
            if let text = node.stringValue, let value = FHIRDateTime(text) {
                return [.date(low: value.lowerBound, high: value.upperBound)]
            }
            if case .object = node, node["start"] != nil || node["end"] != nil {
                let low = node["start"]?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound ?? Int64.min
                let high = node["end"]?.stringValue.flatMap(FHIRDateTime.init)?.upperBound ?? Int64.max
                return [.date(low: low, high: high)]
            }
            return []
        case .string:
            if let text = node.stringValue { return [.string(text)] }
            guard case .object(let object) = node else { return [] }
            let parts = ["text", "family", "given", "prefix", "suffix", "line", "city", "district", "state", "postalCode", "country"]
            return parts.flatMap { key in object[key].map(flatten) ?? [] }.compactMap { $0.stringValue.map { .string($0) } }
        }
    }

    private static func tokens(_ node: JSON) -> [FHIRIndexValue] {
        switch node {
        case .string(let code): return [.token(system: nil, code: code)]
        case .bool(let flag): return [.token(system: nil, code: flag ? "true" : "false")]
        case .object(let object):
            if let codings = object["coding"]?.arrayValue {
                return codings.flatMap(tokens)
            }
            if let code = object["code"]?.stringValue {
                return [.token(system: object["system"]?.stringValue, code: code)]
            }
            if let value = object["value"]?.stringValue {
                return [.token(system: object["system"]?.stringValue, code: value)]
            }
            return []
        default: return []
        }
    }

    /// Folds case and accents, so `Müller` matches `muller` and `MULLER`.
    public static func normalize(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}
