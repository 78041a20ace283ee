/// Limits on search requests.
public struct FHIRSearchLimits: Sendable {
    /// Page size when `_count` is not given.
    public var defaultCount: Int
    /// The largest page; a larger `_count` is capped to it, not refused.
    public var maxCount: Int
    /// The most values one parameter takes (`code=a,b,c` are alternatives: OR).
    public var maxValues: Int
    /// The most parameters one search takes (each one more condition: AND).
    public var maxParameters: Int

    public init(defaultCount: Int = 50, maxCount: Int = 1000, maxValues: Int = 100, maxParameters: Int = 32) {
        self.defaultCount = defaultCount
        self.maxCount = maxCount
        self.maxValues = maxValues
        self.maxParameters = maxParameters
    }
}

extension FHIRSearchQuery {
    /// Parses URL query parameters (`name[:modifier]=value[,value]`) into a query.
    ///
    /// - Parameter lenient: ignore unknown parameters (the client sent `Prefer: handling=lenient`)
    ///   instead of refusing them.
    /// - Throws: ``VigilError`` (``VigilError/Code/invalid``) naming the parameter at fault.
    public static func parse(
        type: FHIRResourceType,
        parameters: [(name: String, value: String)],
        limits: FHIRSearchLimits = .init(),
        lenient: Bool = false
    ) throws(VigilError) -> FHIRSearchQuery {
        var query = FHIRSearchQuery(type: type, count: limits.defaultCount)
        let known = FHIRSearchParameter.parameters(of: type)
        guard parameters.count <= limits.maxParameters else {
            throw VigilError(.invalid, "\(parameters.count) parameters; a search takes at most \(limits.maxParameters)")
        }
        for (rawName, rawValue) in parameters {
            let nameParts = rawName.split(separator: ":", maxSplits: 1)
            let name = String(nameParts.first ?? "")
            let alternatives = rawValue.utf8.count(where: { $0 == UInt8(ascii: ",") }) + 1
            guard alternatives <= limits.maxValues else {
                throw invalid("\(name) has \(alternatives) values; a parameter takes at most \(limits.maxValues)", name)
            }
            let modifier = nameParts.count > 1 ? String(nameParts[1]) : nil
            switch name {
            case "_count":
                guard let count = Int(rawValue), count >= 0 else { throw invalid("_count must be a whole number", "_count") }
                query.count = min(count, limits.maxCount)
                if count == 0 { query.includeTotal = true }
            case "_offset":
                guard let offset = Int(rawValue), offset >= 0 else { throw invalid("_offset must be a whole number", "_offset") }
                query.offset = offset
            case "_cursor":
                guard let cursor = SearchCursor(token: rawValue) else {
                    throw invalid("_cursor is the value of a next link; follow the link as it is", "_cursor")
                }
                query.after = cursor
            case "_total", "_totalMethod":
                // `_totalMethod=count` is how fhirpy asks for the total.
                query.includeTotal = ["accurate", "estimate", "count"].contains(rawValue)
            case "_format", "_pretty":
                continue
            case "_summary":
                switch rawValue {
                case "true": query.subset = .summary
                case "text": query.subset = .text
                case "data": query.subset = .data
                case "false": query.subset = nil
                case "count": (query.count, query.includeTotal) = (0, true)
                default: throw invalid("_summary is true, text, data, count or false", name)
                }
            case "_elements":
                let names = splitValues(rawValue)
                guard names.allSatisfy({ !$0.isEmpty && !$0.contains(".") }) else {
                    throw invalid("_elements takes top-level element names such as name,birthDate", name)
                }
                query.subset = .elements(Set(names))
            case "_include", "_revinclude":
                guard modifier == nil else { throw invalid("\(name):\(modifier ?? "") is not supported: includes go one level", name) }
                let include = try FHIRInclude(rawValue, name: name)
                if name == "_include" {
                    guard include.source == type else { throw invalid("_include names the searched type, \(type.rawValue):…", name) }
                    query.includes.append(include)
                } else {
                    query.revIncludes.append(include)
                }
            case "_sort":
                query.sort = try parseSort(rawValue, known: known)
            case "_id":
                let ids = splitValues(rawValue)
                guard ids.allSatisfy(FHIRID.isValid) else { throw invalid("_id takes resource ids", "_id") }
                query.ids = (query.ids.map { Set($0).intersection(ids) }.map(Array.init) ?? ids)
            case "_lastUpdated":
                query.lastUpdated.append(contentsOf: try splitValues(rawValue).map { v throws(VigilError) in try parseDate(v, name: name) })
            case "_has":
                let parts = (modifier ?? "").split(separator: ":", maxSplits: 2).map(String.init)
                guard parts.count == 3, let source = FHIRResourceType(rawValue: parts[0]),
                    let parameter = FHIRSearchParameter.parameters(of: source)[parts[1]], parameter.kind == .reference, !parts[2].hasPrefix("_has")
                else {
                    throw invalid(
                        "_has takes _has:Type:reference-parameter:parameter=value (one level), such as _has:Observation:patient:code=8867-4", name)
                }
                query.joins.append(.has(source: source, parameter: parameter, name: parts[2], value: rawValue))
            default:
                if name.contains(".") || modifier?.contains(".") == true {
                    query.joins.append(try parseChain(name: name, modifier: modifier, value: rawValue, known: known))
                    continue
                }
                guard let parameter = known[name] else {
                    if lenient { continue }
                    let supported = (["_id", "_lastUpdated"] + known.keys.sorted()).joined(separator: ", ")
                    throw invalid("unknown search parameter \(name) for \(type.rawValue); supported: \(supported)", name)
                }
                query.filters.append(try parseFilter(parameter, modifier: modifier, value: rawValue))
            }
        }
        if let after = query.after, after.sort != query.sortDescription {
            throw invalid("_cursor belongs to a search with another _sort; follow the next link as it is", "_cursor")
        }
        return query
    }

    /// The `_sort` as written (`-date,_id`), what a ``SearchCursor`` is tied to.
    public var sortDescription: String { sort.map { ($0.descending ? "-" : "") + $0.parameter }.joined(separator: ",") }

    private static func invalid(_ message: String, _ parameter: String) -> VigilError {
        VigilError(.invalid, message, expression: parameter)
    }

    /// Splits a parameter value on commas not escaped with a backslash, and unescapes `\,` `\|` `\\`.
    static func splitValues(_ text: String) -> [String] {
        var values: [String] = []
        var current = ""
        var escaping = false
        for character in text {
            if escaping {
                current.append(character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "," {
                values.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        values.append(current)
        return values
    }

    private static func parseSort(_ text: String, known: [String: FHIRSearchParameter]) throws(VigilError) -> [SortKey] {
        var keys: [SortKey] = []
        for item in text.split(separator: ",") {
            let descending = item.hasPrefix("-")
            let name = String(descending ? item.dropFirst() : item)
            guard name == "_id" || name == "_lastUpdated" || known[name] != nil else {
                throw invalid("cannot sort by \(name); sort by _id, _lastUpdated or a search parameter of the type", "_sort")
            }
            keys.append(SortKey(name, descending: descending))
        }
        return keys
    }

    /// `patient.identifier=X` (the parameter's one target type) or `subject:Patient.identifier=X`.
    private static func parseChain(name: String, modifier: String?, value: String, known: [String: FHIRSearchParameter]) throws(VigilError) -> Join {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard let parameter = known[parts[0]], parameter.kind == .reference else {
            throw invalid("a chain starts with a reference parameter (subject:Patient.identifier=…); \(parts[0]) is not one", name)
        }
        var target = parameter.targetType
        var inner = parts.count > 1 ? parts[1] : ""
        if let modifier, let dot = modifier.firstIndex(of: ".") {
            target = String(modifier[..<dot])
            inner = String(modifier[modifier.index(after: dot)...])
        }
        guard let target, let type = FHIRResourceType(rawValue: target) else {
            throw invalid("name the type the chain goes to: \(parts[0]):Patient.\(inner)", name)
        }
        guard !inner.isEmpty, !inner.contains(".") else { throw invalid("chains go one level: \(parts[0]):\(target).name=…", name) }
        return .chain(parameter: parameter, target: type, name: inner, value: value)
    }

    private static func parseFilter(_ parameter: FHIRSearchParameter, modifier: String?, value: String) throws(VigilError) -> Filter {
        if modifier == "text", parameter.kind == .token {
            // A code's text and displays, indexed as a string parameter of their own.
            return try parseFilter(
                FHIRSearchParameter(parameter.name + FHIRIndexer.textSuffix, .string, parameter.paths), modifier: nil, value: value)
        }
        if modifier == "missing" {
            guard value == "true" || value == "false" else { throw invalid(":missing takes true or false", parameter.name) }
            return Filter(parameter: parameter, values: [], missing: value == "true")
        }
        var values: [Value] = []
        for item in splitValues(value) {
            guard !item.isEmpty else { throw invalid("empty value for \(parameter.name)", parameter.name) }
            switch parameter.kind {
            case .token:
                guard modifier == nil || modifier == "not" else {
                    throw invalid("modifier :\(modifier!) is not supported on \(parameter.name) (:not, :text and :missing are)", parameter.name)
                }
                values.append(parseToken(item))
            case .reference:
                var defaultType = parameter.targetType
                if let modifier {
                    guard FHIRResourceType(rawValue: modifier) != nil else {
                        throw invalid("modifier :\(modifier) is not supported on \(parameter.name)", parameter.name)
                    }
                    defaultType = modifier
                }
                guard let reference = FHIRReference(searchValue: item, defaultType: defaultType) else {
                    throw invalid("\(parameter.name) takes Type/id\(defaultType.map { " or an id of a \($0)" } ?? "")", parameter.name)
                }
                values.append(.reference(reference.description))
            case .date:
                guard modifier == nil else { throw invalid("modifier :\(modifier!) is not supported on \(parameter.name)", parameter.name) }
                values.append(try parseDate(item, name: parameter.name))
            case .string:
                let match: StringMatch
                switch modifier {
                case nil: match = .prefix
                case "exact": match = .exact
                case "contains": match = .contains
                default: throw invalid("modifier :\(modifier!) is not supported on \(parameter.name)", parameter.name)
                }
                values.append(.string(match == .exact ? item : FHIRIndexer.normalize(item), match))
            case .quantity:
                guard modifier == nil else { throw invalid("modifier :\(modifier!) is not supported on \(parameter.name)", parameter.name) }
                values.append(try parseQuantity(item, parameter: parameter))
            }
        }
        return Filter(parameter: parameter, values: values, negated: modifier == "not")
    }

    static func parseToken(_ text: String) -> Value {
        guard let bar = text.firstIndex(of: "|") else { return .token(system: .any, code: text) }
        let system = String(text[..<bar]), code = String(text[text.index(after: bar)...])
        return .token(system: system.isEmpty ? .none : .exactly(system), code: code.isEmpty ? nil : code)
    }

    /// A value's comparison prefix (R4's two letters, or the signs some clients such as fhirclient
    /// send for them) and the rest; `eq` when it has none.
    static func prefix(of text: String) -> (Prefix, Substring) {
        if let prefix = Prefix(rawValue: String(text.prefix(2))), text.count > 2 { return (prefix, text.dropFirst(2)) }
        let signs: [(String, Prefix)] = [(">=", .ge), ("<=", .le), ("!=", .ne), (">", .gt), ("<", .lt)]
        if let (sign, prefix) = signs.first(where: { text.hasPrefix($0.0) }) { return (prefix, text.dropFirst(sign.count)) }
        return (.eq, Substring(text))
    }

    static func parseDate(_ text: String, name: String) throws(VigilError) -> Value {
        let (prefix, rest) = prefix(of: text)
        guard prefix != .ap, let date = FHIRDateTime(String(rest)) else {
            throw invalid(
                "\(name) takes a date such as 2026-03-01 or ge2026-03-01T08:00:00Z, with an optional prefix eq ne gt lt ge le sa eb (or >= <= > < !=)",
                name)
        }
        return .date(prefix, low: date.lowerBound, high: date.upperBound)
    }

    /// `[prefix]number` or `[prefix]number|system|code` (either may be empty).
    static func parseQuantity(_ text: String, parameter: FHIRSearchParameter) throws(VigilError) -> Value {
        let (prefix, rest) = prefix(of: text)
        let parts = rest.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 3, let (value, half) = decimal(parts[0]) else {
            throw invalid(
                "\(parameter.name) takes a number such as 100 or 1.5e2, with an optional prefix eq ne gt lt ge le sa eb ap and unit: le5.4|http://unitsofmeasure.org|mmol/L or gt100||/min",
                parameter.name)
        }
        let system: TokenSystem = parts.count == 3 && !parts[1].isEmpty ? .exactly(String(parts[1])) : .any
        let code = parts.count == 3 && !parts[2].isEmpty ? String(parts[2]) : nil
        return .quantity(prefix, value: value, low: value - half, high: value + half, system: system, code: code)
    }

    /// A decimal as R4 search writes it (`-12.50`, `1e2`) and half the step of its last digit:
    /// `100` is 99.5 to 100.5, `100.00` 99.995 to 100.005, `1e2` 95 to 105.
    static func decimal(_ text: Substring) -> (Double, Double)? {
        let mantissa = text.prefix { $0 != "e" && $0 != "E" }
        let exponentText = text.dropFirst(mantissa.count).dropFirst()
        let unsigned = mantissa.first == "-" || mantissa.first == "+" ? mantissa.dropFirst() : mantissa
        let pieces = unsigned.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !pieces.isEmpty, !pieces[0].isEmpty, pieces.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            pieces.count == 1 || !pieces[1].isEmpty, let value = Double(text), value.isFinite
        else { return nil }
        let decimals = pieces.count == 2 ? pieces[1].count : 0
        guard mantissa.count < text.count else { return (value, 0.5 * pow10(-decimals)) }
        guard let exponent = Int(exponentText), abs(exponent) < 300 else { return nil }
        return (value, 0.5 * pow10(exponent - decimals - 1))
    }

    private static func pow10(_ exponent: Int) -> Double {
        (0..<abs(exponent)).reduce(1.0) { value, _ in exponent < 0 ? value / 10 : value * 10 }
    }
}
