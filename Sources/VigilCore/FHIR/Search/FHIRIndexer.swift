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
    /// A quantity or a range, as the lowest and highest value it covers (equal for a quantity),
    /// with its unit: `system` and `code` (else its unit as written).
    case quantity(low: Double, high: Double, system: String?, code: String?)
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

    /// The suffix of the parameter under which a token parameter's text is indexed as a string
    /// (`code:text`: a CodeableConcept's `text` and its codings' `display`), what `:text` searches.
    public static let textSuffix = ":text"

    /// Every search-parameter value of `resource`, deduplicated.
    public static func entries(for resource: JSON, type: FHIRResourceType) -> [FHIRIndexEntry] {
        var entries: [FHIRIndexEntry] = []
        var seen: Set<FHIRIndexEntry> = []
        for parameter in FHIRSearchParameter.parameters(of: type).values.sorted(by: { $0.name < $1.name }) {
            for path in parameter.paths {
                for node in values(at: path, in: resource) {
                    var found = indexValues(node, parameter: parameter).map { FHIRIndexEntry(parameter.name, $0) }
                    if parameter.kind == .token { found += texts(node).map { FHIRIndexEntry(parameter.name + textSuffix, .string($0)) } }
                    for entry in found where seen.insert(entry).inserted { entries.append(entry) }
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
        case .quantity:
            if let value = node["value"]?.doubleValue {
                let code = node["code"]?.stringValue ?? node["unit"]?.stringValue
                return [.quantity(low: value, high: value, system: node["system"]?.stringValue, code: code)]
            }
            // A Range: from its low to its high, open where one is missing.
            let (low, high) = (node["low"]?["value"]?.doubleValue, node["high"]?["value"]?.doubleValue)
            guard low != nil || high != nil else { return [] }
            let unit = node["low"] ?? node["high"]
            return [
                .quantity(
                    low: low ?? -.greatestFiniteMagnitude, high: high ?? .greatestFiniteMagnitude, system: unit?["system"]?.stringValue,
                    code: unit?["code"]?.stringValue ?? unit?["unit"]?.stringValue)
            ]
        }
    }

    /// A CodeableConcept's text and its codings' displays; a Coding's display.
    private static func texts(_ node: JSON) -> [String] {
        guard case .object(let object) = node else { return [] }
        let displays = (object["coding"]?.arrayValue ?? []).compactMap { $0["display"]?.stringValue }
        return [object["text"]?.stringValue, object["display"]?.stringValue].compactMap { $0 } + displays
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
