// The search parameters of each stored type: the R4 SearchParameters whose expression is a path
// (or a `where(resolve() is Type)` on one), generated into ``FHIRSearchParameter/definitions``.

extension FHIRSearchParameter {
    static let table: [FHIRResourceType: [String: FHIRSearchParameter]] = {
        guard case .object(let root) = try? JSON.parse(definitions) else { fatalError("FHIRSearchParameter.definitions is not JSON") }
        var table: [FHIRResourceType: [String: FHIRSearchParameter]] = [:]
        for type in FHIRResourceType.allCases {
            var parameters: [String: FHIRSearchParameter] = [:]
            for definition in root[type.rawValue]?.arrayValue ?? [] {
                guard let fields = definition.arrayValue, fields.count == 4, let name = fields[0].stringValue,
                    let kind = fields[1].stringValue.flatMap(Kind.init(rawValue:))
                else { continue }
                let paths = fields[2].arrayValue?.compactMap(\.stringValue) ?? []
                parameters[name] = FHIRSearchParameter(name, kind, paths, target: fields[3].stringValue)
            }
            table[type] = parameters
        }
        return table
    }()
}
