import Foundation
import MQTT
import NIOCore
import Synchronization
import Testing

/// The client against a real Mosquitto while the application holds a delivery (the server's write
/// queue is full): it must keep the connection, however long the hold.
@Suite(.timeLimit(.minutes(1))) struct MQTTClientKeepAliveTests {
    final class Seen: Sendable {
        let disconnects = Mutex<[String]>([])
        let subscribed = Mutex(false)
        let delivered = Mutex<[String]>([])
    }

    @Test func aDeliveryHeldForFourKeepAlivePeriodsKeepsTheConnection() async throws {
        let broker = try Mosquitto.anonymous()
        try await broker.start()
        defer { broker.stop() }
        var session = MQTTConnectionStateMachine.Configuration(clientID: "held-\(UUID().uuidString.prefix(8))", filters: ["held/#"])
        session.keepAlive = 2
        let seen = Seen()
        let client = MQTTClient(configuration: .init(host: "127.0.0.1", port: broker.port, session: session)) { event in
            switch event {
            case .disconnected(let reason): seen.disconnects.withLock { $0.append(reason) }
            case .subscribed: seen.subscribed.withLock { $0 = true }
            default: break
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await client.run { publish in
                    let text = String(buffer: publish.payload)
                    // The first message is held for 8 s: four keep-alive periods, past Mosquitto's 1.5.
                    if seen.delivered.withLock({ $0.isEmpty }) { try? await Task.sleep(for: .seconds(8)) }
                    seen.delivered.withLock { $0.append(text) }
                    if let id = publish.packetID { client.accepted(packetID: id) }
                }
            }
            while !seen.subscribed.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
            #expect(try broker.client(Mosquitto.publisher, ["-t", "held/a", "-m", "first", "-q", "1"]).status == 0)
            try await Task.sleep(for: .seconds(1))
            #expect(try broker.client(Mosquitto.publisher, ["-t", "held/a", "-m", "second", "-q", "1"]).status == 0)
            let deadline = ContinuousClock.now + .seconds(20)
            while seen.delivered.withLock({ $0.count < 2 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            #expect(seen.delivered.withLock { $0 } == ["first", "second"])
            #expect(seen.disconnects.withLock { $0 } == [], "the connection was kept while the delivery was held")
            group.cancelAll()
        }
    }
}
