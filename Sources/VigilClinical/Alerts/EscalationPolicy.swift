public import VigilCore

/// Who is told about an alert, and how insistently, as data: the levels of a patient's care team
/// from the bedside to the clinical last resort, who is told at once for each priority (the NEWS2
/// chart's response), whose acknowledgement answers it, re-notification while people have not
/// acknowledged, and escalation to the next level while nobody who can answer it has.
public struct EscalationPolicy: Sendable, Codable, Equatable {
    /// The people at one level: accounts of these roles, and care-team participants whose
    /// `CareTeam.participant.role` has one of these codes, on a care team of the patient.
    public struct Level: Sendable, Codable, Equatable {
        public var name: String
        public var roles: [String]
        public var teamRoles: [String]

        public init(name: String, roles: [String] = [], teamRoles: [String] = []) {
            self.name = name
            self.roles = roles
            self.teamRoles = teamRoles
        }
    }

    /// How an alert is answered, by priority: levels 0 through `notifyThrough` are told at once
    /// (when it is raised or upgraded); an acknowledgement from `answeredBy` or above stops its
    /// escalation.
    public struct Response: Sendable, Codable, Equatable {
        public var notifyThrough: [Priority: Int]
        public var answeredBy: [Priority: Int]

        public init(notifyThrough: [Priority: Int], answeredBy: [Priority: Int]) {
            self.notifyThrough = notifyThrough
            self.answeredBy = answeredBy
        }
    }

    /// First to last; the last is the clinical last resort.
    public var levels: [Level]
    /// The response to clinical alerts.
    public var response: Response
    /// Responses to alerts of particular kinds (technical alerts, glucose).
    public var responseByKind: [String: Response]
    /// Seconds between re-notifications of those who have not acknowledged, by priority (absent: none).
    public var renotifySeconds: [Priority: Int]
    /// Seconds without an answering acknowledgement before escalating to the next level, by priority (absent: never).
    public var escalateSeconds: [Priority: Int]
    /// Whether one person's acknowledgement stops re-notifying everyone else too.
    public var acknowledgementSilencesAll: Bool

    /// The response to an alert of `kind`.
    public func response(for kind: String) -> Response { responseByKind[kind] ?? response }

    /// The level told at once about an alert of `kind` and `priority` (levels 0 through it).
    public func firstLevel(kind: String, priority: Priority) -> Int {
        min(max(response(for: kind).notifyThrough[priority] ?? 0, 0), max(levels.count - 1, 0))
    }

    /// The level of a person on a patient's care team: the level their roles on the team
    /// (`CareTeam.participant.role` codes) name, the highest if several, else the first level of
    /// their account's role; nil when neither names one (an administrator).
    public func level(accountRole: String, teamRoles: Set<String>) -> Int? {
        levels.indices.last { !teamRoles.isDisjoint(with: levels[$0].teamRoles) } ?? levels.indices.first { levels[$0].roles.contains(accountRole) }
    }

    /// The lowest level whose acknowledgement answers an alert of `kind` and `priority`.
    public func answeringLevel(kind: String, priority: Priority) -> Int {
        response(for: kind).answeredBy[priority] ?? 0
    }

    /// The NEWS2 chart's response (RCP 2017, Chart 4) with the care team's levels bedside nurse or
    /// carer → physician → rapid response (the last resort, a participant with team role
    /// `rapid-response`): high priority tells all three at once, medium the nurse and the
    /// physician, low the nurse; high and medium are answered by a physician. Technical alerts
    /// and glucose alerts go to the bedside first and are answered there; a severe low also tells
    /// the physician. High escalates after 5 minutes, medium after 15; re-notification every
    /// 2 / 5 / 15 minutes.
    public static let standard: EscalationPolicy = {
        let bedside = Response(notifyThrough: [.high: 0, .medium: 0, .low: 0], answeredBy: [.high: 0, .medium: 0, .low: 0])
        let glucose = Response(notifyThrough: [.high: 1, .medium: 0, .low: 0], answeredBy: [.high: 0, .medium: 0, .low: 0])
        var byKind: [String: Response] = [:]
        for kind in ["device-silent", "battery-low", "clock-skew", "rejected-readings", "cgm-stale"] { byKind[kind] = bedside }
        for kind in ["glucose-low", "glucose-predicted-low", "glucose-falling-fast", "glucose-high"] { byKind[kind] = glucose }
        return EscalationPolicy(
            levels: [
                Level(name: "bedside", roles: ["nurse", "school-nurse", "caregiver"]), Level(name: "physician", roles: ["physician"]),
                Level(name: "rapid response", teamRoles: ["rapid-response"]),
            ],
            response: Response(notifyThrough: [.high: 2, .medium: 1, .low: 0], answeredBy: [.high: 1, .medium: 1, .low: 0]),
            responseByKind: byKind,
            renotifySeconds: [.high: 120, .medium: 300, .low: 900],
            escalateSeconds: [.high: 300, .medium: 900],
            acknowledgementSilencesAll: false
        )
    }()
}
