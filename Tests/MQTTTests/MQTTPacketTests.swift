import MQTT
import NIOCore
import NIOTestUtils
import PropertyBased
import Testing

@Suite struct MQTTPacketTests {
    static func bytes(_ packet: MQTTPacket) -> ByteBuffer {
        var buffer = ByteBuffer()
        packet.write(to: &buffer)
        return buffer
    }

    static func read(_ bytes: [UInt8], maximumSize: Int = 1 << 20) throws -> MQTTPacket? {
        var buffer = ByteBuffer(bytes: bytes)
        return try MQTTPacket.read(from: &buffer, maximumSize: maximumSize)
    }

    static let samples: [MQTTPacket] = [
        .connect(.init(clientID: "vigil-node-1", cleanSession: false, keepAlive: 30, username: "vigil", password: Array("secret".utf8))),
        .connect(.init(clientID: "", cleanSession: true, keepAlive: 0)),
        .connack(sessionPresent: true, returnCode: 0),
        .connack(sessionPresent: false, returnCode: 5),
        .publish(.init(topic: "vigil/devices/d1/readings", payload: ByteBuffer(string: #"{"readings":[]}"#), qos: .atLeastOnce, packetID: 7)),
        .publish(.init(topic: "vigil/devices/d1/ack", payload: ByteBuffer(), qos: .atMostOnce, retain: true)),
        .publish(.init(topic: "t", payload: ByteBuffer(repeating: 0x41, count: 200), qos: .atLeastOnce, duplicate: true, packetID: 65535)),
        .puback(packetID: 7),
        .subscribe(packetID: 1, filters: [("$share/vigil/vigil/devices/+/readings", .atLeastOnce), ("a/#", .atMostOnce)]),
        .suback(packetID: 1, returnCodes: [1, 0x80]),
        .pingreq, .pingresp, .disconnect,
    ]

    @Test func everyPacketReadsBackAsWritten() throws {
        for packet in Self.samples {
            #expect(try Self.read(Array(Self.bytes(packet).readableBytesView)) == packet, "\(packet)")
        }
    }

    @Test func knownBytesOnTheWire() {
        #expect(Array(Self.bytes(.pingreq).readableBytesView) == [0xC0, 0x00])
        #expect(Array(Self.bytes(.puback(packetID: 0x0102)).readableBytesView) == [0x40, 0x02, 0x01, 0x02])
        #expect(Array(Self.bytes(.subscribe(packetID: 1, filters: [("a", .atLeastOnce)])).readableBytesView) == [0x82, 6, 0, 1, 0, 1, 0x61, 1])
        // A 200-byte payload needs a two-byte remaining length: 200 + 2 + 1 + 2 = 205 = 0xCD 0x01.
        let publish = Self.bytes(.publish(.init(topic: "t", payload: ByteBuffer(repeating: 0, count: 200), qos: .atLeastOnce, packetID: 1)))
        #expect(Array(publish.readableBytesView.prefix(3)) == [0x32, 0xCD, 0x01])
    }

    @Test func packetsSplitAnywhereOrSeveralPerReadComeOutWhole() throws {
        var all = ByteBuffer()
        for packet in Self.samples { packet.write(to: &all) }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(all, Self.samples)] + Self.samples.map { (Self.bytes($0), [$0]) },
            decoderFactory: { MQTTPacketDecoder() })
    }

    @Test func anIncompletePacketIsLeftInTheBuffer() throws {
        let whole = Array(Self.bytes(Self.samples[0]).readableBytesView)
        for cut in 0..<whole.count {
            var buffer = ByteBuffer(bytes: whole.prefix(cut))
            #expect(try MQTTPacket.read(from: &buffer, maximumSize: 1 << 20) == nil)
            #expect(buffer.readableBytes == cut)
        }
    }

    @Test(
        arguments: [
            ([0x00, 0x00], "type 0"),
            ([0x50, 0x02, 0x00, 0x01], "PUBREC (QoS 2) is not supported"),
            ([0x80, 0x06, 0, 1, 0, 1, 0x61, 1], "SUBSCRIBE without its 0b0010 flags"),
            ([0xC1, 0x00], "PINGREQ with flags"),
            ([0x36, 0x05, 0, 1, 0x74, 0, 1], "QoS 3"),
            ([0x38, 0x03, 0, 1, 0x74], "DUP on QoS 0"),
            ([0x32, 0x05, 0, 1, 0x74, 0, 0], "packet id 0"),
            ([0x30, 0x03, 0, 1, 0x2B], "a wildcard in a PUBLISH topic"),
            ([0x30, 0x02, 0, 0], "an empty PUBLISH topic"),
            ([0x30, 0x04, 0, 2, 0xC3, 0x28], "invalid UTF-8"),
            ([0x30, 0x03, 0, 1, 0x00], "U+0000 in a string"),
            ([0x40, 0x03, 0, 1, 9], "a byte left over"),
            ([0x40, 0x01, 0], "a packet that ends early"),
            ([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "a remaining length of 5 bytes"),
            ([0x20, 0x02, 0x02, 0x00], "CONNACK reserved bits"),
            ([0x90, 0x03, 0, 1, 3], "a SUBACK code of 3"),
            ([0x10, 0x0A, 0, 4, 0x4D, 0x51, 0x54, 0x54, 4, 0x40, 0, 0], "a password without a user name"),
            ([0x10, 0x0A, 0, 4, 0x4D, 0x51, 0x54, 0x54, 3, 0x02, 0, 0], "protocol level 3"),
        ] as [([UInt8], String)])
    func malformedPacketsAreRefused(_ bytes: [UInt8], _ what: String) {
        #expect(throws: MQTTError.self, "\(what)") { _ = try Self.read(bytes) }
    }

    @Test func aPacketOverTheLimitIsRefusedFromItsHeader() {
        #expect(throws: MQTTError(.packetTooLarge, "a packet is limited to 100 bytes")) { _ = try Self.read([0x82, 0xC8, 0x01], maximumSize: 100) }
        #expect(throws: Never.self) { _ = try Self.read([0x82, 0x64], maximumSize: 100) }
    }

    /// A device's message above the limit must still be acknowledged (and refused), or the broker
    /// redelivers it on every reconnect: the decoder passes its head on and skips its payload as
    /// it arrives, holding none of it.
    @Test func aPublishOverTheLimitComesOutWithoutItsPayloadAndTheNextPacketFollows() throws {
        let large = MQTTPacket.publish(
            .init(topic: "vigil/devices/d1/readings", payload: ByteBuffer(repeating: 0x20, count: 5000), qos: .atLeastOnce, packetID: 9))
        var wire = Self.bytes(large)
        MQTTPacket.pingresp.write(to: &wire)
        var decoder = MQTTPacketDecoder(maximumPacketSize: 1000)
        var packets: [MQTTPacket] = []
        var held = 0
        var incoming = ByteBuffer()
        let bytes = Array(wire.readableBytesView)
        for start in stride(from: 0, to: bytes.count, by: 700) {
            incoming.writeBytes(bytes[start..<min(start + 700, bytes.count)])
            while let packet = try decoder.decode(buffer: &incoming) { packets.append(packet) }
            incoming.discardReadBytes()
            held = max(held, incoming.readableBytes)
        }
        guard case .publish(let publish) = packets.first else { Issue.record("no PUBLISH: \(packets)"); return }
        #expect(publish.topic == "vigil/devices/d1/readings" && publish.packetID == 9 && publish.qos == .atLeastOnce)
        #expect(publish.payload.readableBytes == 0 && publish.skippedPayloadBytes == 5000)
        #expect(packets.dropFirst() == [.pingresp])
        #expect(held < 1000, "the decoder held \(held) bytes of a payload it skips")
    }

    @Test func generatedPublishesRoundTrip() async {
        let topics = Gen<Character?>.element(of: Array("abz09/-_é")).compactMap { $0 }.string(of: 1...40).filter { !$0.isEmpty }
        let publishes = zip(topics, Gen<UInt8>.value(in: 0...255).array(of: 0...300), Gen.bool, Gen.bool, Gen<UInt16>.value(in: 1...UInt16.max))
            .map { topic, payload, atLeastOnce, retain, id in
                MQTTPacket.publish(
                    .init(
                        topic: topic, payload: ByteBuffer(bytes: payload), qos: atLeastOnce ? .atLeastOnce : .atMostOnce, retain: retain,
                        packetID: atLeastOnce ? id : nil))
            }
        await propertyCheck(count: 300, input: publishes) { packet in
            let reread = try Self.read(Array(Self.bytes(packet).readableBytesView))
            #expect(reread == packet)
        }
    }

    @Test func randomBytesNeverCrashTheDecoder() async {
        await propertyCheck(count: 3000, input: Gen<UInt8>.value(in: 0...255).array(of: 0...40)) { bytes in
            var buffer = ByteBuffer(bytes: bytes)
            while (try? MQTTPacket.read(from: &buffer, maximumSize: 1 << 16)).flatMap({ $0 }) != nil {}
        }
    }
}
