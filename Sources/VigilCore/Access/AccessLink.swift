/// A relationship that opens patients to people, derived from a CareTeam or Group when it is
/// stored: who is on a team, whom a team looks after, who is in a group, and when.
public struct AccessLink: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A CareTeam participant: `target` is the member (`Practitioner/ID`, `RelatedPerson/ID`).
        case participant
        /// A CareTeam's subject: `target` is `Patient/ID` or `Group/ID`.
        case subject
        /// A Group member: `target` is `Patient/ID`.
        case member
    }

    public var kind: Kind
    public var target: String
    /// First millisecond the link holds, or nil for open-ended.
    public var start: Int64?
    /// Last millisecond the link holds, or nil for open-ended.
    public var end: Int64?

    public init(_ kind: Kind, _ target: String, start: Int64? = nil, end: Int64? = nil) {
        self.kind = kind
        self.target = target
        self.start = start
        self.end = end
    }

    public func covers(_ time: Int64) -> Bool {
        (start.map { $0 <= time } ?? true) && (end.map { time <= $0 } ?? true)
    }

    /// The links a CareTeam or Group grants. A team that is not active (proposed, suspended,
    /// inactive, entered in error) grants nothing; an inactive group member is not a member.
    /// A participant's period is cut to the team's period.
    public static func links(of resource: JSON, type: FHIRResourceType) -> [AccessLink] {
        switch type {
        case .careTeam:
            if let status = resource["status"]?.stringValue, status != "active" { return [] }
            let team = period(resource["period"])
            var links: [AccessLink] = []
            if let subject = resource["subject"]?["reference"]?.stringValue.flatMap(FHIRReference.init),
                subject.type == "Patient" || subject.type == "Group"
            {
                links.append(AccessLink(.subject, subject.description, start: team.start, end: team.end))
            }
            for participant in resource["participant"]?.arrayValue ?? [] {
                guard let member = participant["member"]?["reference"]?.stringValue.flatMap(FHIRReference.init) else { continue }
                let own = period(participant["period"])
                links.append(
                    AccessLink(.participant, member.description, start: maxOptional(team.start, own.start), end: minOptional(team.end, own.end)))
            }
            return links
        case .group:
            if resource["active"]?.boolValue == false { return [] }
            return (resource["member"]?.arrayValue ?? []).compactMap { member in
                guard member["inactive"]?.boolValue != true,
                    let entity = member["entity"]?["reference"]?.stringValue.flatMap(FHIRReference.init), entity.type == "Patient"
                else { return nil }
                let own = period(member["period"])
                return AccessLink(.member, entity.description, start: own.start, end: own.end)
            }
        default:
            return []
        }
    }

    /// The members of a CareTeam on it at `time`, each with their roles on the team (the codes and
    /// texts of `participant.role`).
    public static func participants(of team: JSON, at time: Int64) -> [String: Set<String>] {
        var members: [String: Set<String>] = [:]
        for (link, participant) in zip(links(of: team, type: .careTeam).filter { $0.kind == .participant }, participatingMembers(of: team))
        where link.covers(time) {
            let roles = (participant["role"]?.arrayValue ?? []).flatMap { role in
                (role["coding"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue } + [role["text"]?.stringValue].compactMap { $0 }
            }
            members[link.target, default: []].formUnion(roles)
        }
        return members
    }

    /// The participants of a team that name a member, in the order ``links(of:type:)`` lists them.
    private static func participatingMembers(of team: JSON) -> [JSON] {
        (team["participant"]?.arrayValue ?? []).filter { $0["member"]?["reference"]?.stringValue.flatMap(FHIRReference.init) != nil }
    }

    private static func period(_ json: JSON?) -> (start: Int64?, end: Int64?) {
        (json?["start"]?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound, json?["end"]?.stringValue.flatMap(FHIRDateTime.init)?.upperBound)
    }

    private static func maxOptional(_ a: Int64?, _ b: Int64?) -> Int64? {
        switch (a, b) {
        case (let a?, let b?): max(a, b)
        default: a ?? b
        }
    }

    private static func minOptional(_ a: Int64?, _ b: Int64?) -> Int64? {
        switch (a, b) {
        case (let a?, let b?): min(a, b)
        default: a ?? b
        }
    }
}
