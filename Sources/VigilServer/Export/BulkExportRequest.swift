import VigilClinical
import VigilCore

/// A FHIR Bulk Data `$export` kick-off, checked: its level, the types it asks for and `_since`.
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
            default:
                throw VigilError(.invalid, "\(name) is not a parameter of $export here; it takes _outputFormat, _type and _since", expression: name)
            }
        }
    }

    /// Narrows it to what research project `project` may export: its population (a Group-level
    /// export names the project's Group) and its types (all of them unless `_type` asked for some).
    /// - Throws: ``VigilError`` (403) for another Group or a type the project does not export.
    mutating func scope(to project: ResearchProject, typesAsked: Bool) throws {
        if case .group(let id) = level, "Group/\(id)" != project.population {
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
