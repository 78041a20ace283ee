/// An alert about one patient (or, for public health, one place) and one condition, with where it
/// is in its lifecycle.
///
/// At most one alert per patient and condition (``key``) is open (not resolved) at a time.
public struct Alert: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable { case active, acknowledged, resolved }

    public struct Acknowledgement: Sendable, Equatable, Codable {
        /// `user/NAME`.
        public var by: String
        public var at: Int64
        /// The escalation level the person acknowledged at (nil: at none, e.g. an administrator).
        public var level: Int?

        public init(by: String, at: Int64, level: Int? = nil) {
            self.by = by
            self.at = at
            self.level = level
        }
    }

    public struct Resolution: Sendable, Equatable, Codable {
        /// Who resolved it, or nil when the condition cleared.
        public var by: String?
        public var reason: String
        public var at: Int64

        public init(by: String?, reason: String, at: Int64) {
            self.by = by
            self.reason = reason
            self.at = at
        }
    }

    /// Assigned by the store; 0 until stored.
    public var id: Int64
    /// The Patient's id, or ``noPatient`` for a public-health alert about a place (a
    /// `screening-cluster` at a screening site, named in its key).
    public var patient: String
    /// The condition, unique among a patient's open alerts (`news2`, `threshold:spo2-low`, `device-silent:d1`).
    public var key: String
    /// The kind of condition (`news2`, `threshold`, `glucose-low`, `device-silent`, …).
    public var kind: String
    public var priority: Priority
    public var status: Status
    /// Escalation level, 0 first.
    public var escalation: Int
    public var raised: Int64
    public var updated: Int64
    public var message: String
    /// The values behind the alert (the score and its parts, the reading, the forecast).
    public var values: JSON
    public var acknowledgements: [Acknowledgement]
    public var resolution: Resolution?
    /// When the next re-notification is due, if any.
    public var nextRenotify: Int64?
    /// When the alert escalates if still unacknowledged, if ever.
    public var nextEscalation: Int64?

    public init(
        id: Int64 = 0, patient: String, key: String, kind: String, priority: Priority, status: Status = .active, escalation: Int = 0,
        raised: Int64, updated: Int64, message: String, values: JSON, acknowledgements: [Acknowledgement] = [],
        resolution: Resolution? = nil, nextRenotify: Int64? = nil, nextEscalation: Int64? = nil
    ) {
        self.id = id
        self.patient = patient
        self.key = key
        self.kind = kind
        self.priority = priority
        self.status = status
        self.escalation = escalation
        self.raised = raised
        self.updated = updated
        self.message = message
        self.values = values
        self.acknowledgements = acknowledgements
        self.resolution = resolution
        self.nextRenotify = nextRenotify
        self.nextEscalation = nextEscalation
    }

    /// The ``patient`` of an alert about no patient: public health's, about a place.
    public static let noPatient = ""

    public var isOpen: Bool { status != .resolved }

    /// Whether it is about a place, for public health, rather than about a patient.
    public var isPublicHealth: Bool { patient == Self.noPatient }

    /// The place a public-health alert is about (`Location/ID`, the part of its key after the kind).
    public var place: String? {
        guard isPublicHealth, let colon = key.firstIndex(of: ":") else { return nil }
        return String(key[key.index(after: colon)...])
    }

    /// The earliest time something is due (re-notification or escalation).
    public var nextDue: Int64? {
        [nextRenotify, nextEscalation].compactMap { $0 }.min()
    }
}
