/// Who of a patient's care team is on duty at a moment, and why.
///
/// A person with hours (``DutyHours``, from their PractitionerRoles) is on duty within them. A
/// person without hours stands in for the others of their escalation level: on duty while nobody
/// at that level with hours is (the parent outside school hours, the ward's physician when no
/// on-call physician is rostered), and always when nobody at the level has hours.
public struct DutyRoster: Sendable {
    /// A person on the team who can be told (an account).
    public struct Member: Sendable {
        /// `user/NAME`.
        public var account: String
        /// Their escalation level on the team (``EscalationPolicy/level(accountRole:teamRoles:)``).
        public var level: Int
        /// The hours of each of their roles; empty when none are stated.
        public var hours: [RoleHours]

        public init(account: String, level: Int, hours: [RoleHours] = []) {
            (self.account, self.level, self.hours) = (account, level, hours)
        }
    }

    /// One role's hours: `PractitionerRole/ID` and what it states.
    public struct RoleHours: Sendable, Equatable {
        public var role: String
        public var hours: DutyHours

        public init(role: String, hours: DutyHours) { (self.role, self.hours) = (role, hours) }
    }

    /// A member's duty at a moment.
    public struct Duty: Sendable, Equatable {
        public var account: String
        public var level: Int
        public var onDuty: Bool
        /// Why, in words a coordinator reads (`within the hours of PractitionerRole/sn1-school`).
        public var reason: String
    }

    public var members: [Member]

    public init(_ members: [Member]) { self.members = members }

    /// Every member's duty at `time` (milliseconds since 1970), by level, then account.
    public func duties(at time: Int64) -> [Duty] {
        var rostered: [Int: [String]] = [:]
        var duties: [Duty] = []
        for member in members where !member.hours.isEmpty {
            let within = member.hours.filter { $0.hours.covers(time) }.map(\.role)
            if !within.isEmpty { rostered[member.level, default: []].append(member.account) }
            let reason =
                within.isEmpty
                ? "outside the hours of \(member.hours.map(\.role).joined(separator: ", "))"
                : "within the hours of \(within.joined(separator: ", "))"
            duties.append(Duty(account: member.account, level: member.level, onDuty: !within.isEmpty, reason: reason))
        }
        let levelsWithHours = Set(members.filter { !$0.hours.isEmpty }.map(\.level))
        for member in members where member.hours.isEmpty {
            let reason: String
            let onDuty: Bool
            if let others = rostered[member.level] {
                (onDuty, reason) = (false, "no hours of their own; \(others.sorted().joined(separator: ", ")) on duty at this level")
            } else if levelsWithHours.contains(member.level) {
                (onDuty, reason) = (true, "no hours of their own; nobody at this level is within their hours")
            } else {
                (onDuty, reason) = (true, "no hours stated at this level")
            }
            duties.append(Duty(account: member.account, level: member.level, onDuty: onDuty, reason: reason))
        }
        return duties.sorted { ($0.level, $0.account) < ($1.level, $1.account) }
    }

    /// The accounts on duty at `time`.
    public func onDuty(at time: Int64) -> Set<String> {
        Set(duties(at: time).filter(\.onDuty).map(\.account))
    }
}
