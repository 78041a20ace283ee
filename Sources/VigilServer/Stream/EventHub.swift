import DequeModule
import Synchronization
public import VigilCore

/// Live events for dashboards: new readings, scores, alert transitions, notifications. Each event
/// has an increasing id; the last events are kept so that a client reconnecting with the last id
/// it saw gets what it missed. A subscriber receives only events about patients it may see, and
/// notifications only when it is a recipient.
public final class EventHub: Sendable {
    /// What an event tells (its `type` on the wire).
    public enum EventType: String, Sendable {
        /// A patient's newest readings of a commit.
        case readings
        /// A new score.
        case score
        /// An alert's transition.
        case alert
        /// An alert's transition that calls on its recipients.
        case notification
        /// A notified alert's condition has cleared.
        case allClear = "all-clear"
    }

    /// One event, as it goes out on the wire.
    public struct Event: Sendable {
        public let id: Int64
        public let type: EventType
        /// The patient it is about (`Patient/ID`'s id), or nil for events about no patient.
        public let patient: String?
        /// Only these users (`user/NAME`) receive it; nil for everyone who may see the patient.
        public let recipients: Set<String>?
        /// The whole event as JSON text.
        public let text: String
    }

    /// Who a subscriber is and what it may see.
    public struct Audience: Sendable {
        public var user: String
        /// Patients it may see; nil for all (administrators).
        public var patients: Set<String>?

        public init(user: String, patients: Set<String>?) {
            self.user = user
            self.patients = patients
        }

        func receives(_ event: Event) -> Bool {
            if let recipients = event.recipients, !recipients.contains(user) { return false }
            guard let patient = event.patient else { return true }
            return patients?.contains(patient) ?? true
        }
    }

    private struct Subscriber {
        var audience: Audience
        let continuation: AsyncStream<Event>.Continuation
        var lagging = false
    }

    private struct State {
        var nextID: Int64
        var recent: Deque<Event> = []
        var subscribers: [Int: Subscriber] = [:]
        var nextSubscriber = 0
    }

    private let state: Mutex<State>
    private let capacity: Int
    /// Events a slow subscriber may fall behind by before it is told it missed some.
    private let subscriberBuffer: Int

    /// - Parameters:
    ///   - firstID: the first event id; the server starts from its clock in microseconds so that ids
    ///     keep increasing across restarts.
    ///   - capacity: events kept for resuming.
    public init(firstID: Int64, capacity: Int = 10_000, subscriberBuffer: Int = 1_000) {
        self.state = Mutex(State(nextID: firstID))
        self.capacity = capacity
        self.subscriberBuffer = subscriberBuffer
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }
    public var lastID: Int64 { state.withLock { $0.nextID - 1 } }

    /// Publishes an event; returns its id.
    @discardableResult
    public func publish(_ type: EventType, patient: String?, recipients: Set<String>? = nil, data: JSON) -> Int64 {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            var object: JSONObject = ["id": .integer(id), "type": .string(type.rawValue)]
            if let patient, patient != Alert.noPatient { object["patient"] = .string("Patient/\(patient)") }
            object["data"] = data
            let event = Event(id: id, type: type, patient: patient, recipients: recipients, text: JSON.object(object).text)
            state.recent.append(event)
            if state.recent.count > capacity { state.recent.removeFirst() }
            for key in state.subscribers.keys {
                guard let subscriber = state.subscribers[key], subscriber.audience.receives(event) else { continue }
                if case .dropped = subscriber.continuation.yield(event) { state.subscribers[key]?.lagging = true }
            }
            return id
        }
    }

    /// What a new subscription starts with.
    public enum Start: Sendable {
        /// Events after the client's last id, to send before the live ones.
        case resume([Event])
        /// The client's last id is older than what is kept: it must reload.
        case reset
    }

    /// Subscribes; the stream ends when `unsubscribe` is called with the returned id.
    public func subscribe(_ audience: Audience, after lastID: Int64?) -> (id: Int, start: Start, events: AsyncStream<Event>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(subscriberBuffer))
        return state.withLock { state in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = Subscriber(audience: audience, continuation: continuation)
            var start = Start.resume([])
            if let lastID {
                let oldest = state.recent.first?.id ?? state.nextID
                start =
                    lastID + 1 < oldest && lastID < state.nextID - 1
                    ? .reset : .resume(state.recent.filter { $0.id > lastID && audience.receives($0) })
            }
            return (id, start, stream)
        }
    }

    /// Replaces what a subscriber may see (its care teams changed).
    public func update(_ id: Int, audience: Audience) {
        state.withLock { $0.subscribers[id]?.audience = audience }
    }

    /// Whether the subscriber dropped events since the last call (and clears the mark).
    public func takeLagging(_ id: Int) -> Bool {
        state.withLock { state in
            defer { state.subscribers[id]?.lagging = false }
            return state.subscribers[id]?.lagging ?? false
        }
    }

    public func unsubscribe(_ id: Int) {
        let continuation = state.withLock { $0.subscribers.removeValue(forKey: id)?.continuation }
        continuation?.finish()
    }
}
