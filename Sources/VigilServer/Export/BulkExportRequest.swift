import VigilClinical
import VigilCore

/// A FHIR Bulk Data `$export` kick-off, checked: its level, the types it asks for, `_since` and
/// `_typeFilter`.
struct BulkExportRequest: Sendable, Equatable {
    enum Level: Sendable, Equatable {
        /// `/fhir/$export`: every resource of every type.
        case system
        /// `/fhir/Patient/$export`: every patient's record.
        case patient
        /// `/fhir/Group/{id}/$export`: the records of the group's members.
        case group(String)
    }

    var level: Level
    var types: [FHIRResourceType]
    /// Only resources last updated at or after this (milliseconds).
    var since: Int64?
    /// `_typeFilter`: for a type named here, only the resources matching one of its searches.
    var typeFilters: [FHIRResourceType: [FHIRSearchQuery]] = [:]

    /// The most resources a `_typeFilter` search may match.
    static let typeFilterLimit = 1_000_000

    /// The output formats the Bulk Data IG names for NDJSON.
    static let formats: Set<String> = ["application/fhir+ndjson", "application/ndjson", "ndjson"]

    /// - Throws: ``VigilError`` (400) for a parameter it does not take or cannot read.
    init(level: Level, parameters: [(name: String, value: String)]) throws {
        self.level = level
        let allowed = level == .system ? FHIRResourceType.allCases : FHIRResourceType.allCases.filter { $0.patientElement != nil || $0 == .patient }
        types = allowed
        for (name, value) in parameters {
            switch name {
            case "_outputFormat":
                guard Self.formats.contains(value) else {
                    throw VigilError(.invalid, "_outputFormat takes application/fhir+ndjson", expression: "_outputFormat")
                }
            case "_type":
                types = try value.split(separator: ",").map { name in
                    guard let type = FHIRResourceType(rawValue: String(name)), allowed.contains(type) else {
                        throw VigilError(.invalid, "_type: \(name) is not a type this export holds", expression: "_type")
                    }
                    return type
                }
            case "_since":
                guard let instant = FHIRDateTime(value), instant.precision == .second || instant.precision == .millisecond else {
                    throw VigilError(.invalid, "_since takes an instant, such as 2026-01-01T00:00:00Z", expression: "_since")
                }
                since = instant.lowerBound
            case "_typeFilter":
                for query in Self.queries(value) {
                    let filter = try Self.typeFilter(query)
                    typeFilters[filter.type, default: []].append(filter)
                }
            default:
                throw VigilError(
                    .invalid, "\(name) is not a parameter of $export here; it takes _outputFormat, _type, _since and _typeFilter", expression: name)
            }
        }
        if let type = typeFilters.keys.sorted().first(where: { !types.contains($0) }) {
            throw VigilError(.invalid, "_typeFilter: \(type.rawValue) is not a type this export holds", expression: "_typeFilter")
        }
    }

    /// The searches of a `_typeFilter` value: comma-separated, each starting with a type and `?`
    /// (a comma followed by anything else belongs to a search's value).
    static func queries(_ value: String) -> [Substring] {
        value.split(separator: /,(?=[A-Z][A-Za-z]+\?)/)
    }

    /// One `_typeFilter` search, `Type?name=value&…`, as the store runs it: every match at once.
    /// - Throws: ``VigilError`` (400) for one that is not a search of a type on its own.
    static func typeFilter(_ text: Substring) throws -> FHIRSearchQuery {
        guard let mark = text.firstIndex(of: "?"), let type = FHIRResourceType(rawValue: String(text[..<mark])) else {
            throw VigilError(.invalid, "_typeFilter takes searches of the form Type?name=value, not \(text)", expression: "_typeFilter")
        }
        var query = try FHIRSearchQuery.parse(type: type, parameters: URLQuery.decode(String(text[text.index(after: mark)...])))
        guard query.joins.isEmpty, query.includes.isEmpty, query.revIncludes.isEmpty, query.sort.isEmpty, query.subset == nil, query.after == nil
        else {
            throw VigilError(
                .invalid, "_typeFilter takes a type's own search parameters: no chains, _has, _include, _sort or _elements", expression: "_typeFilter"
            )
        }
        (query.count, query.offset) = (typeFilterLimit + 1, 0)
        return query
    }

    /// Narrows it to what research project `project` may export: its population (a Group-level
    /// export names the project's Group) and its types (all of them unless `_type` asked for some).
    /// - Throws: ``VigilError`` (403) for another Group or a type the project does not export.
    mutating func scope(to project: ResearchProject, typesAsked: Bool) throws {
        if case .group(let id) = level, project.population != .group(id) {
            throw VigilError(.forbidden, "a research export covers its project's population, \(project.population)")
        }
        if let type = types.first(where: { !project.types.contains($0) }), typesAsked {
            throw VigilError(.forbidden, "the research project does not export \(type.rawValue)", expression: "_type")
        }
        types = types.filter(project.types.contains)
    }

    /// Whether a resource in `compartment` belongs in the export: every one at the system level, one
    /// in a patient's compartment at the patient level, a member's at the group level.
    func includes(_ compartment: String?, members: Set<String>) -> Bool {
        switch level {
        case .system: true
        case .patient: compartment?.hasPrefix("Patient/") == true
        case .group: compartment.map(members.contains) ?? false
        }
    }
}
