import MQTT
import NIOCore
import Testing

@Suite struct MQTTConnectionStateMachineTests {
    static let filter = "$share/vigil/vigil/devices/+/readings"

    static func machine(keepAlive: UInt16 = 30) -> MQTTConnectionStateMachine {
        var configuration = MQTTConnectionStateMachine.Configuration(
            clientID: "vigil-1", filters: [filter], username: "vigil", password: Array("pw".utf8))
        configuration.keepAlive = keepAlive
        return MQTTConnectionStateMachine(configuration: configuration)
    }

    /// A machine connected at time 0 with a fresh session (it has just asked for the subscription).
    static func connected(keepAlive: UInt16 = 30) -> MQTTConnectionStateMachine {
        var machine = machine(keepAlive: keepAlive)
        _ = machine.start()
        _ = machine.connectionOpened(now: 0)
        _ = machine.received(.connack(sessionPresent: false, returnCode: 0), now: 0)
        return machine
    }

    static func publish(_ id: UInt16, duplicate: Bool = false) -> MQTTPacket.Publish {
        .init(topic: "vigil/devices/d1/readings", payload: ByteBuffer(string: "{}"), qos: .atLeastOnce, duplicate: duplicate, packetID: id)
    }

    @Test func connectsWithAPersistentSessionAndSubscribesWhenTheBrokerKeptNone() {
        var machine = Self.machine()
        #expect(machine.start() == [.openConnection])
        #expect(
            machine.connectionOpened(now: 0) == [
                .send([.connect(.init(clientID: "vigil-1", cleanSession: false, keepAlive: 30, username: "vigil", password: Array("pw".utf8)))])
            ])
        #expect(
            machine.received(.connack(sessionPresent: false, returnCode: 0), now: 5) == [
                .connected(sessionPresent: false), .send([.subscribe(packetID: 1, filters: [(Self.filter, .atLeastOnce)])]),
            ])
    }

    @Test func aKeptSessionIsSubscribedAgainInCaseTheBrokerLostTheSubscription() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.connectionOpened(now: 0)
        #expect(
            machine.received(.connack(sessionPresent: true, returnCode: 0), now: 5) == [
                .connected(sessionPresent: true), .send([.subscribe(packetID: 1, filters: [(Self.filter, .atLeastOnce)])]),
            ])
    }

    @Test func aRefusedSubscriptionIsReported() {
        var machine = Self.connected()
        #expect(machine.received(.suback(packetID: 1, returnCodes: [0x80]), now: 1) == [.subscriptionRefused([Self.filter])])
        #expect(machine.received(.suback(packetID: 2, returnCodes: [1]), now: 2) == [.subscribed([Self.filter])])
    }

    @Test func pubacksGoOutInArrivalOrderOnceEachMessageIsAccepted() {
        var machine = Self.connected()
        for id: UInt16 in [5, 6, 7] { #expect(machine.received(.publish(Self.publish(id)), now: 1) == [.deliver(Self.publish(id))]) }
        #expect(machine.accepted(packetID: 6, now: 2) == [])
        #expect(machine.accepted(packetID: 5, now: 3) == [.send([.puback(packetID: 5), .puback(packetID: 6)])])
        #expect(machine.accepted(packetID: 7, now: 4) == [.send([.puback(packetID: 7)])])
        #expect(machine.accepted(packetID: 7, now: 5) == [])
    }

    @Test func aRedeliveryIsDeliveredAgainButAcknowledgedOnce() {
        var machine = Self.connected()
        _ = machine.received(.publish(Self.publish(9)), now: 1)
        #expect(machine.received(.publish(Self.publish(9, duplicate: true)), now: 2) == [.deliver(Self.publish(9, duplicate: true))])
        #expect(machine.accepted(packetID: 9, now: 3) == [.send([.puback(packetID: 9)])])
        #expect(machine.accepted(packetID: 9, now: 4) == [])
    }

    @Test func qos0MessagesNeedNoAcknowledgement() {
        var machine = Self.connected()
        let message = MQTTPacket.Publish(topic: "t", payload: ByteBuffer(), qos: .atMostOnce)
        #expect(machine.received(.publish(message), now: 1) == [.deliver(message)])
    }

    @Test func keepAlivePingsWhenIdleAndClosesWhenThePingGoesUnanswered() {
        var machine = Self.connected(keepAlive: 10)
        #expect(machine.tick(now: 9_999) == [])
        #expect(machine.tick(now: 10_000) == [.send([.pingreq])])
        #expect(machine.tick(now: 14_999) == [])
        #expect(machine.tick(now: 15_000) == [.closeConnection(reason: "no answer to PINGREQ")])
    }

    @Test func aPingResponseKeepsTheConnection() {
        var machine = Self.connected(keepAlive: 10)
        _ = machine.tick(now: 10_000)
        #expect(machine.received(.pingresp, now: 10_050) == [])
        #expect(machine.tick(now: 15_000) == [])
        #expect(machine.tick(now: 20_000) == [.send([.pingreq])])
    }

    /// While the application holds a delivery (its write queue is full), the client reads nothing,
    /// so the broker's PINGRESP waits unread behind the next message: that is no sign of a dead
    /// broker. The client keeps pinging (so that the broker keeps it) and gives the answer half an
    /// interval once reading resumes.
    @Test func aHeldDeliveryKeepsTheConnectionAndKeepsPinging() {
        var machine = Self.connected(keepAlive: 10)
        #expect(machine.received(.publish(Self.publish(1)), now: 1_000) == [.deliver(Self.publish(1))])
        #expect(machine.tick(now: 11_000) == [.send([.pingreq])])
        #expect(machine.tick(now: 16_000) == [])
        #expect(machine.tick(now: 21_000) == [.send([.pingreq])])
        #expect(machine.tick(now: 120_000) == [.send([.pingreq])])
        #expect(machine.delivered(now: 120_500) == [])
        #expect(machine.tick(now: 124_999) == [])
        #expect(machine.tick(now: 125_500) == [.closeConnection(reason: "no answer to PINGREQ")])
    }

    @Test func aPingAnsweredAfterAHeldDeliveryKeepsTheConnection() {
        var machine = Self.connected(keepAlive: 10)
        _ = machine.received(.publish(Self.publish(1)), now: 1_000)
        _ = machine.tick(now: 11_000)
        _ = machine.tick(now: 60_000)
        _ = machine.delivered(now: 60_000)
        #expect(machine.received(.pingresp, now: 60_001) == [])
        #expect(machine.tick(now: 69_999) == [])
        #expect(machine.tick(now: 70_000) == [.send([.pingreq])])
    }

    @Test func sendingAcknowledgementsCountsAsActivity() {
        var machine = Self.connected(keepAlive: 10)
        _ = machine.received(.publish(Self.publish(1)), now: 8_000)
        _ = machine.accepted(packetID: 1, now: 8_000)
        #expect(machine.tick(now: 10_000) == [])
        #expect(machine.tick(now: 18_000) == [.send([.pingreq])])
    }

    @Test func noConnAckInTimeClosesAndReconnectsWithBackoff() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.connectionOpened(now: 0)
        #expect(machine.tick(now: 9_999) == [])
        #expect(machine.tick(now: 10_000) == [.closeConnection(reason: "no CONNACK within 10000 ms")])
        #expect(machine.connectionClosed(now: 10_000, random: 0.99) == [.reconnect(after: 100)])
        #expect(machine.reconnectDue() == [.openConnection])
    }

    @Test func aRefusedConnectionSaysWhy() {
        var machine = Self.machine()
        _ = machine.start()
        _ = machine.connectionOpened(now: 0)
        #expect(
            machine.received(.connack(sessionPresent: false, returnCode: 5), now: 1) == [
                .closeConnection(reason: "the broker refused the connection: not authorized")
            ])
    }

    @Test func backoffGrowsWithJitterUpToItsCeilingAndResetsOnConnect() {
        var machine = Self.connected()
        var ceilings: [Int64] = []
        for _ in 0..<12 {
            guard case .reconnect(let full) = machine.connectionClosed(now: 0, random: 0.999_999).first else {
                Issue.record("no reconnect")
                return
            }
            ceilings.append(full)
            _ = machine.reconnectDue()
        }
        #expect(ceilings == [99, 199, 399, 799, 1_599, 3_199, 6_399, 12_799, 25_599, 29_999, 29_999, 29_999].map { max(100, $0) })
        guard case .reconnect(let jittered) = machine.connectionClosed(now: 0, random: 0.5).first else { return }
        #expect(jittered == 15_000)
        _ = machine.reconnectDue()
        _ = machine.connectionOpened(now: 0)
        _ = machine.received(.connack(sessionPresent: true, returnCode: 0), now: 0)
        #expect(machine.connectionClosed(now: 1, random: 0.999_999) == [.reconnect(after: 100)])
    }

    @Test func unacknowledgedMessagesAreForgottenWithTheConnection() {
        var machine = Self.connected()
        _ = machine.received(.publish(Self.publish(3)), now: 1)
        _ = machine.connectionClosed(now: 2, random: 0)
        _ = machine.reconnectDue()
        _ = machine.connectionOpened(now: 3)
        _ = machine.received(.connack(sessionPresent: true, returnCode: 0), now: 4)
        // The broker redelivers 3 on the new connection; an accept of the old delivery sends nothing.
        #expect(machine.accepted(packetID: 3, now: 5) == [])
    }

    @Test func anUnexpectedPacketClosesTheConnection() {
        var machine = Self.connected()
        #expect(
            machine.received(.connack(sessionPresent: false, returnCode: 0), now: 1) == [
                .closeConnection(reason: "unexpected CONNACK from the broker")
            ])
    }

    @Test func stoppingDisconnectsCleanly() {
        var machine = Self.connected()
        #expect(machine.stop(now: 1) == [.send([.disconnect]), .closeConnection(reason: nil)])
        #expect(machine.connectionClosed(now: 2, random: 0.5) == [])
        #expect(machine.start() == [])
    }

    static func ack(_ qos: MQTTQoS, id: UInt16? = nil, duplicate: Bool = false) -> MQTTPacket.Publish {
        .init(topic: "vigil/devices/d1/ack", payload: ByteBuffer(string: "{}"), qos: qos, duplicate: duplicate, packetID: id)
    }

    @Test func publicationsGetPacketIDsAndAreKeptUntilTheBrokerAcknowledgesThem() {
        var machine = Self.connected()  // packet id 1 went to the SUBSCRIBE
        #expect(machine.publish(Self.ack(.atLeastOnce), now: 1) == [.send([.publish(Self.ack(.atLeastOnce, id: 2))])])
        #expect(machine.publish(Self.ack(.atMostOnce, id: 9), now: 1) == [.send([.publish(Self.ack(.atMostOnce))])])
        #expect(machine.pendingPublications == 1)
        #expect(machine.received(.puback(packetID: 2), now: 2) == [])
        #expect(machine.pendingPublications == 0)
    }

    @Test func unacknowledgedPublicationsAreSentAgainAsDuplicatesAfterAReconnect() {
        var machine = Self.connected()
        _ = machine.publish(Self.ack(.atLeastOnce), now: 1)
        _ = machine.publish(Self.ack(.atLeastOnce), now: 1)
        _ = machine.received(.puback(packetID: 2), now: 2)
        _ = machine.connectionClosed(now: 3, random: 0)
        // While away, a new publication waits for the connection.
        #expect(machine.publish(Self.ack(.atLeastOnce), now: 4) == [])
        _ = machine.reconnectDue()
        _ = machine.connectionOpened(now: 5)
        #expect(
            machine.received(.connack(sessionPresent: true, returnCode: 0), now: 6) == [
                .connected(sessionPresent: true),
                .send([
                    .subscribe(packetID: 4, filters: [(Self.filter, .atLeastOnce)]), .publish(Self.ack(.atLeastOnce, id: 3, duplicate: true)),
                    .publish(Self.ack(.atLeastOnce, id: 5)),
                ]),
            ])
        #expect(machine.pendingPublications == 2)
    }

    @Test func aStoppedClientPublishesNothing() {
        var machine = Self.connected()
        _ = machine.stop(now: 1)
        #expect(machine.publish(Self.ack(.atLeastOnce), now: 2) == [])
        #expect(machine.pendingPublications == 0)
    }
}
