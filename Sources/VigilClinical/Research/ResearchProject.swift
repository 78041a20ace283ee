public import VigilCore

/// A research project as an administrator registers it: a FHIR `ResearchStudy` with its title, its
/// approval reference (`identifier`), its expiry (`period.end`), its study population (the Group in
/// `enrollment`, or an outbreak cohort named by extension) and Vigil's extensions for the
/// de-identification profile, the types it may export and the researchers assigned to it. Exports
/// and aggregates are scoped to one.
///
/// ```json
/// {"resourceType": "ResearchStudy", "status": "active", "title": "Asthma and air quality",
///  "identifier": [{"value": "IRB-2026-117"}], "period": {"end": "2027-06-30"},
///  "enrollment": [{"reference": "Group/asthma-cohort"}],
///  "extension": [{"url": "urn:vigil:fhir:research-profile", "valueCode": "safe-harbor"},
///                {"url": "urn:vigil:fhir:research-type", "valueCode": "Observation"},
///                {"url": "urn:vigil:fhir:researcher", "valueString": "rita"}]}
/// ```
///
/// A cohort instead of the Group: `{"url": "urn:vigil:fhir:research-cohort", "valueString":
/// "influenza"}`, with the vaccines it counts as `urn:vigil:fhir:research-cohort-vaccine`
/// `valueCoding`s (required by `unvaccinated-high-risk`).
public struct ResearchProject: Sendable, Equatable {
    /// How what leaves is de-identified.
    public enum Profile: Sendable, Equatable {
        /// HIPAA Safe Harbor (``SafeHarbor``): the default.
        case safeHarbor
        /// A HIPAA limited data set: dates and five-digit ZIP codes kept; only for a project
        /// covered by the data use agreement it names.
        case limitedDataSet(agreement: String)

        public var name: String {
            switch self {
            case .safeHarbor: SafeHarbor.name
            case .limitedDataSet: "limited-data-set"
            }
        }
    }

    /// Who a project studies.
    public enum Population: Sendable, Equatable, CustomStringConvertible {
        /// The members of a Group (its id).
        case group(String)
        /// The members of an outbreak cohort (``CohortDefinition``) when asked: the definition's
        /// name, with the vaccines it counts when given.
        case cohort(String, vaccines: [ValueSetCode])

        public var description: String {
            switch self {
            case .group(let id): "Group/\(id)"
            case .cohort(let name, _): "cohort \(name)"
            }
        }
    }

    public static let profileExtension = "urn:vigil:fhir:research-profile"
    public static let agreementExtension = "urn:vigil:fhir:data-use-agreement"
    public static let typeExtension = "urn:vigil:fhir:research-type"
    public static let researcherExtension = "urn:vigil:fhir:researcher"
    public static let cohortExtension = "urn:vigil:fhir:research-cohort"
    public static let cohortVaccineExtension = "urn:vigil:fhir:research-cohort-vaccine"

    public var id: String
    public var title: String
    /// The ethics committee's or IRB's approval reference.
    public var approval: String
    /// Whether its `status` is `active`.
    public var isActive: Bool
    /// The last millisecond it may export.
    public var expires: Int64
    public var profile: Profile
    /// Who it studies.
    public var population: Population
    /// The types it may export; ``Deidentifier`` lets out no other.
    public var types: [FHIRResourceType]
    /// The usernames of the researchers assigned to it.
    public var researchers: Set<String>

    /// The project a stored `ResearchStudy` describes.
    /// - Throws: ``VigilError`` (422) naming the element that is missing or cannot be read.
    public init(study: JSON) throws(VigilError) {
        func refuse(_ message: String, _ element: String) -> VigilError {
            VigilError(.unprocessable, "a research project \(message)", expression: "ResearchStudy.\(element)")
        }
        id = study["id"]?.stringValue ?? ""
        guard let title = study["title"]?.stringValue else { throw refuse("needs a title", "title") }
        guard let approval = study["identifier"]?[0]?["value"]?.stringValue else {
            throw refuse("needs its approval reference as its identifier", "identifier")
        }
        guard let end = study["period"]?["end"]?.stringValue.flatMap(FHIRDateTime.init) else {
            throw refuse("needs an expiry: period.end", "period.end")
        }
        let extensions = study["extension"]?.arrayValue ?? []
        func values(_ url: String, _ key: String) -> [String] {
            extensions.filter { $0["url"]?.stringValue == url }.compactMap { $0[key]?.stringValue }
        }
        let groups = (study["enrollment"]?.arrayValue ?? []).compactMap { $0["reference"]?.stringValue.flatMap(FHIRReference.init) }
        let cohorts = values(Self.cohortExtension, "valueString")
        let vaccines = extensions.filter { $0["url"]?.stringValue == Self.cohortVaccineExtension }.map { vaccine in
            (vaccine["valueCoding"]?["system"]?.stringValue, vaccine["valueCoding"]?["code"]?.stringValue)
        }
        if groups.count == 1, cohorts.isEmpty, vaccines.isEmpty, groups[0].type == "Group" {
            population = .group(groups[0].id)
        } else if groups.isEmpty, cohorts.count == 1 {
            population = .cohort(
                cohorts[0],
                vaccines: try vaccines.map { system, code throws(VigilError) in
                    guard let system, let code else { throw refuse("names each cohort vaccine as a valueCoding with system and code", "extension") }
                    return ValueSetCode(system: system, code: code)
                })
        } else {
            throw refuse(
                "names its study population as one Group in enrollment or one cohort (\(Self.cohortExtension)), with vaccines only for a cohort",
                "enrollment")
        }
        switch values(Self.profileExtension, "valueCode") {
        case [], [SafeHarbor.name]: profile = .safeHarbor
        case ["limited-data-set"]:
            guard let agreement = values(Self.agreementExtension, "valueString").first else {
                throw refuse("exports a limited data set only under the data use agreement it names (\(Self.agreementExtension))", "extension")
            }
            profile = .limitedDataSet(agreement: agreement)
        default: throw refuse("takes one profile: safe-harbor or limited-data-set", "extension")
        }
        let exportable = Deidentifier.exportableTypes
        let named = values(Self.typeExtension, "valueCode")
        types =
            try named.isEmpty
            ? exportable
            : named.map { name throws(VigilError) in
                guard let type = FHIRResourceType(rawValue: name), exportable.contains(type) else {
                    throw refuse("exports only \(exportable.map(\.rawValue).joined(separator: ", ")); not \(name)", "extension")
                }
                return type
            }
        (self.title, self.approval, self.expires) = (title, approval, end.upperBound)
        isActive = study["status"]?.stringValue == "active"
        researchers = Set(values(Self.researcherExtension, "valueString"))
    }

    /// Whether it may export and answer questions at `now`: active and not expired.
    public func isOpen(at now: Int64) -> Bool { isActive && now <= expires }
}
