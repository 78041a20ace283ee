import Foundation
import MQTT
import NIOCore
import Synchronization
import VigilCore

/// A simulated actuator on the MQTT broker: subscribes to `vigil/devices/{id}/commands`, carries
/// each command out once through its ``CommandResponder`` and publishes the answers at QoS 1 on
/// `vigil/devices/{id}/commands/ack`.
public final class ActuatorLink<Device: Actuator>: CommandListener {
    public let device: String
    let client: MQTTClient
    private let responder: Mutex<CommandResponder<Device>>
    private let now: @Sendable () -> Int64
    private let subscription = Subscription()

    private final class Subscription: Sendable {
        let isActive = Atomic<Bool>(false)
    }

    /// - Parameter now: the device's clock (milliseconds); the wall clock unless given.
    public init(
        device: String, token: String, host: String, port: Int, actuator: Device,
        now: (@Sendable () -> Int64)? = nil
    ) {
        self.device = device
        self.responder = Mutex(CommandResponder(actuator))
        self.now = now ?? { Int64(Date().timeIntervalSince1970 * 1000) }
        var session = MQTTConnectionStateMachine.Configuration(
            clientID: "vigil-sim-\(device)-commands", filters: ["vigil/devices/\(device)/commands"], username: device, password: Array(token.utf8))
        session.minimumBackoff = 100
        session.maximumBackoff = 2_000
        client = MQTTClient(configuration: .init(host: host, port: port, session: session)) { [subscription] event in
            switch event {
            case .subscribed: subscription.isActive.store(true, ordering: .relaxed)
            case .disconnected: subscription.isActive.store(false, ordering: .relaxed)
            default: break
            }
        }
    }

    /// Whether it is connected and subscribed to its commands now.
    public var isSubscribed: Bool { subscription.isActive.load(ordering: .relaxed) }

    /// The actuator as it is now.
    public var actuator: Device { responder.withLock { $0.device } }

    /// Runs until cancelled.
    public func run() async {
        await client.run { [weak self] publish in
            guard let self else { return }
            let answers: [JSON] =
                if let message = try? JSON.parse(Array(publish.payload.readableBytesView)) {
                    responder.withLock { $0.receive(message, at: now()) }
                } else { [] }
            for answer in answers {
                client.publish(
                    .init(topic: "vigil/devices/\(device)/commands/ack", payload: ByteBuffer(bytes: answer.serialized()), qos: .atLeastOnce))
            }
            if let id = publish.packetID { client.accepted(packetID: id) }
        }
    }
}

/// Something that listens for a device's commands until cancelled.
public protocol CommandListener: Sendable {
    func run() async
}
