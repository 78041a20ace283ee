import Foundation
import MQTT
import NIOCore
import Synchronization
import VigilCore

/// Listens on one topic with Vigil's own MQTT client (as a device would) and knows when the
/// broker has answered its subscription, so a test publishes only once it can hear the answer.
final class TopicListener: Sendable {
    let client: MQTTClient
    private final class State: Sendable {
        let value = Mutex<(messages: [String], granted: Bool?)>(([], nil))
    }

    private let state = State()
    private let task: Task<Void, Never>

    /// Connects as `username` and subscribes to `topic`; returns once the broker has answered the
    /// subscription (granted or refused: see ``granted``).
    init(port: Int, topic: String, username: String, password: String) async throws {
        let state = self.state
        var session = MQTTConnectionStateMachine.Configuration(
            clientID: "listener-\(UUID().uuidString)", filters: [topic], username: username, password: Array(password.utf8))
        session.minimumBackoff = 50
        let client = MQTTClient(configuration: .init(host: "127.0.0.1", port: port, session: session)) { event in
            switch event {
            case .subscribed: state.value.withLock { $0.granted = true }
            case .subscriptionRefused: state.value.withLock { $0.granted = false }
            default: break
            }
        }
        self.client = client
        task = Task {
            await client.run { publish in
                if let id = publish.packetID { client.accepted(packetID: id) }
                state.value.withLock { $0.messages.append(String(buffer: publish.payload)) }
            }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while granted == nil {
            guard ContinuousClock.now < deadline else { throw Failure("no answer to the subscription of \(topic)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Whether the broker granted the subscription (nil: no answer yet).
    var granted: Bool? { state.value.withLock { $0.granted } }

    /// The first message not yet taken, waiting up to `timeout`.
    func next(timeout: Duration = .seconds(20)) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let message = state.value.withLock({ $0.messages.isEmpty ? nil : $0.messages.removeFirst() }) { return message }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// The next message as JSON.
    func nextJSON(timeout: Duration = .seconds(20)) async throws -> JSON? {
        try await next(timeout: timeout).flatMap { try? JSON.parse($0) }
    }

    func stop() { task.cancel() }

    deinit { task.cancel() }
}
