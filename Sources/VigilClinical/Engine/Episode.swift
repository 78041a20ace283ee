public import VigilCore

/// One open episode of a patient, as the engine keeps it: its open conditions, what it last said
/// (its alert's condition), what each condition was when people were last told, and its peak.
public struct Episode: Sendable, Equatable {
    /// The worst an episode has been.
    public struct Peak: Sendable, Equatable {
        public var priority: Priority
        public var severity: Int
        public var message: String
        public var at: Int64
    }

    /// Open conditions by key.
    public var conditions: [String: AlertCondition] = [:]
    /// The condition last output for the episode's alert; nil until raised.
    public var said: AlertCondition?
    /// Severity (score total) of each condition when last notified.
    public var notified: [String: Int] = [:]
    public var peak: Peak?
    /// The values of the last condition that cleared (what the all-clear shows).
    public var lastClear: JSON = nil
    /// Every kind of condition the episode has had, at the highest priority it reached.
    public var seen: [String: Priority] = [:]

    public init() {}

    /// What the episode has been, for its alert's values while open and once resolved: its peak
    /// and every kind of condition it had (`seen`).
    var summary: JSONObject {
        var object: JSONObject = [
            "seen": .array(seen.sorted { $0.key < $1.key }.map { ["kind": .string($0.key), "priority": .string($0.value.rawValue)] })
        ]
        if let peak {
            object["peak"] = [
                "priority": .string(peak.priority.rawValue), "message": .string(peak.message),
                "at": .string(FHIRDateTime.instant(milliseconds: peak.at)),
            ]
        }
        return object
    }

    /// The alert condition of the episode `key` after its conditions changed at `time`, its peak
    /// brought up to date: the leading condition (highest priority, then the group's order of
    /// kinds) gives its kind, message and values; the others are listed with it.
    mutating func settle(key: String, order: [String], at time: Int64) -> AlertCondition? {
        let open = conditions.values.sorted { a, b in
            if a.priority != b.priority { return a.priority > b.priority }
            let ia = order.firstIndex(of: a.kind) ?? order.count, ib = order.firstIndex(of: b.kind) ?? order.count
            return ia != ib ? ia < ib : a.key < b.key
        }
        for condition in open { seen[condition.kind] = max(seen[condition.kind] ?? condition.priority, condition.priority) }
        guard let lead = open.first else { return nil }
        let severity = lead.severity ?? 0
        if peak.map({ lead.priority > $0.priority || (lead.priority == $0.priority && severity > $0.severity) }) ?? true {
            peak = Peak(priority: lead.priority, severity: severity, message: lead.message, at: time)
        }
        var values = lead.values.objectValue ?? JSONObject()
        if open.count > 1 || key != lead.key {
            values["conditions"] = .array(
                open.map { c in
                    [
                        "condition": .string(c.key), "kind": .string(c.kind), "priority": .string(c.priority.rawValue), "message": .string(c.message),
                        "values": c.values,
                    ]
                })
        }
        for member in summary { values[member.key] = member.value }
        let others = open.dropFirst().map(\.message)
        let message = others.isEmpty ? lead.message : lead.message + "; also " + others.joined(separator: "; ")
        return AlertCondition(
            key: key, kind: lead.kind, priority: open.map(\.priority).max()!, message: message, values: .object(values), severity: lead.severity)
    }
}
