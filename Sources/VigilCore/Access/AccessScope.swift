/// The compartments (`Patient/ID`, `Group/ID`) a person may see now, through the care teams they
/// are on.
///
/// A person sees a patient while their Practitioner or RelatedPerson is a participant, with a
/// period covering now, of an active CareTeam whose subject is the patient, or a Group holding
/// the patient as an active member whose period covers now.
public struct AccessScope: Sendable, Equatable {
    public var compartments: Set<String>

    public init(compartments: Set<String>) { self.compartments = compartments }

    public static let nothing = AccessScope(compartments: [])

    /// The patient ids in scope.
    public var patients: Set<String> {
        Set(compartments.compactMap { $0.hasPrefix("Patient/") ? String($0.dropFirst(8)) : nil })
    }

    public func contains(patient id: String) -> Bool { compartments.contains("Patient/" + id) }

    /// Computes a person's scope.
    /// - Parameters:
    ///   - teams: for each CareTeam on which the person has a participant link, all its links.
    ///   - groups: for each Group named as a subject by those teams, its member links.
    ///   - member: the person's `Practitioner/ID` or `RelatedPerson/ID`.
    ///   - now: the time to evaluate periods at.
    public static func compute(member: String, teams: [[AccessLink]], groups: [String: [AccessLink]], now: Int64) -> AccessScope {
        var compartments: Set<String> = []
        for links in teams {
            let onTeam = links.contains { $0.kind == .participant && $0.target == member && $0.covers(now) }
            guard onTeam else { continue }
            for subject in links where subject.kind == .subject && subject.covers(now) {
                compartments.insert(subject.target)
                if subject.target.hasPrefix("Group/") {
                    for link in groups[subject.target] ?? [] where link.kind == .member && link.covers(now) {
                        compartments.insert(link.target)
                    }
                }
            }
        }
        return AccessScope(compartments: compartments)
    }
}
