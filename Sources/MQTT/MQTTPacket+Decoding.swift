public import NIOCore

extension MQTTPacket {
    /// Reads one packet from the front of `buffer`, or returns nil without consuming anything when
    /// the packet has not fully arrived.
    ///
    /// A PUBLISH longer than `maximumSize` is read up to its packet id only, and returned with an
    /// empty payload and ``Publish/skippedPayloadBytes`` set: the caller skips that many bytes
    /// (``MQTTPacketDecoder`` does), so that the message can be acknowledged and refused.
    /// - Throws: ``MQTTError`` for a malformed packet, or another kind of packet longer than
    ///   `maximumSize` (the remaining length; known from the fixed header, before the body arrives).
    public static func read(from buffer: inout ByteBuffer, maximumSize: Int) throws -> MQTTPacket? {
        guard let first: UInt8 = buffer.getInteger(at: buffer.readerIndex) else { return nil }
        var length = 0
        var lengthBytes = 0
        while true {
            guard lengthBytes < 4 else { throw MQTTError(.malformedPacket, "the remaining length takes more than 4 bytes") }
            guard let byte: UInt8 = buffer.getInteger(at: buffer.readerIndex + 1 + lengthBytes) else { return nil }
            length |= Int(byte & 0x7F) << (7 * lengthBytes)
            lengthBytes += 1
            if byte & 0x80 == 0 { break }
        }
        guard length <= maximumSize else {
            guard first >> 4 == Kind.publish.rawValue else { throw MQTTError(.packetTooLarge, "a packet is limited to \(maximumSize) bytes") }
            return try readPublishHead(from: &buffer, flags: first & 0x0F, headerBytes: 1 + lengthBytes, length: length)
        }
        guard buffer.readableBytes >= 1 + lengthBytes + length else { return nil }
        buffer.moveReaderIndex(forwardBy: 1 + lengthBytes)
        var body = buffer.readSlice(length: length)!
        let packet = try decode(type: first >> 4, flags: first & 0x0F, body: &body)
        guard body.readableBytes == 0 else { throw MQTTError(.malformedPacket, "\(body.readableBytes) bytes left over in a packet") }
        return packet
    }

    /// The topic and packet id of a PUBLISH whose payload is not kept; nil until they arrived.
    private static func readPublishHead(from buffer: inout ByteBuffer, flags: UInt8, headerBytes: Int, length: Int) throws -> MQTTPacket? {
        guard let topicLength: UInt16 = buffer.getInteger(at: buffer.readerIndex + headerBytes) else { return nil }
        let headLength = 2 + Int(topicLength) + ((flags >> 1) & 0x03 == 0 ? 0 : 2)
        guard headLength <= length else { throw MQTTError(.malformedPacket, "a PUBLISH shorter than its topic") }
        guard buffer.readableBytes >= headerBytes + headLength else { return nil }
        buffer.moveReaderIndex(forwardBy: headerBytes)
        var head = buffer.readSlice(length: headLength)!
        guard case .publish(var publish) = try decode(type: Kind.publish.rawValue, flags: flags, body: &head) else {
            throw MQTTError(.malformedPacket, "not a PUBLISH")
        }
        publish.skippedPayloadBytes = length - headLength
        return .publish(publish)
    }

    private static func decode(type: UInt8, flags: UInt8, body: inout ByteBuffer) throws -> MQTTPacket {
        guard let kind = Kind(rawValue: type) else { throw MQTTError(.malformedPacket, "packet type \(type) is not supported") }
        let expectedFlags: UInt8 = kind == .subscribe ? 0b0010 : 0
        guard kind == .publish || flags == expectedFlags else { throw MQTTError(.malformedPacket, "bad flags \(flags) for \(kind)") }
        switch kind {
        case .connect:
            guard try body.readMQTTString() == "MQTT", try body.readByte() == 4 else {
                throw MQTTError(.malformedPacket, "only MQTT 3.1.1 (protocol level 4) is supported")
            }
            let connectFlags = try body.readByte()
            guard connectFlags & 0x01 == 0, connectFlags & 0x80 != 0 || connectFlags & 0x40 == 0 else {
                throw MQTTError(.malformedPacket, "bad connect flags")
            }
            let keepAlive = try body.readUInt16()
            let clientID = try body.readMQTTString()
            if connectFlags & 0x04 != 0 {
                _ = try body.readMQTTString()
                _ = try body.readBinary()
            }
            let username = connectFlags & 0x80 != 0 ? try body.readMQTTString() : nil
            let password = connectFlags & 0x40 != 0 ? try body.readBinary() : nil
            return .connect(
                Connect(clientID: clientID, cleanSession: connectFlags & 0x02 != 0, keepAlive: keepAlive, username: username, password: password))
        case .connack:
            let acknowledge = try body.readByte()
            guard acknowledge & 0xFE == 0 else { throw MQTTError(.malformedPacket, "bad CONNACK flags") }
            return .connack(sessionPresent: acknowledge == 1, returnCode: try body.readByte())
        case .publish:
            guard let qos = MQTTQoS(rawValue: (flags >> 1) & 0x03) else { throw MQTTError(.malformedPacket, "QoS 2 is not supported") }
            let duplicate = flags & 0x08 != 0
            guard qos != .atMostOnce || !duplicate else { throw MQTTError(.malformedPacket, "DUP is set on a QoS 0 PUBLISH") }
            let topic = try body.readMQTTString()
            guard !topic.isEmpty, !topic.contains("+"), !topic.contains("#") else {
                throw MQTTError(.malformedPacket, "a PUBLISH topic is not empty and has no wildcard")
            }
            let packetID = qos == .atLeastOnce ? try body.readPacketID() : nil
            let payload = body.readSlice(length: body.readableBytes)!
            return .publish(Publish(topic: topic, payload: payload, qos: qos, retain: flags & 0x01 != 0, duplicate: duplicate, packetID: packetID))
        case .puback:
            return .puback(packetID: try body.readPacketID())
        case .subscribe:
            let packetID = try body.readPacketID()
            var filters: [(filter: String, qos: MQTTQoS)] = []
            while body.readableBytes > 0 {
                let filter = try body.readMQTTString()
                guard let qos = MQTTQoS(rawValue: try body.readByte()) else { throw MQTTError(.malformedPacket, "a subscription asks QoS 0 or 1") }
                filters.append((filter, qos))
            }
            guard !filters.isEmpty else { throw MQTTError(.malformedPacket, "a SUBSCRIBE names at least one filter") }
            return .subscribe(packetID: packetID, filters: filters)
        case .suback:
            let packetID = try body.readPacketID()
            let codes = body.readBytes(length: body.readableBytes) ?? []
            guard !codes.isEmpty, codes.allSatisfy({ $0 <= 2 || $0 == 0x80 }) else { throw MQTTError(.malformedPacket, "bad SUBACK return codes") }
            return .suback(packetID: packetID, returnCodes: codes)
        case .pingreq: return .pingreq
        case .pingresp: return .pingresp
        case .disconnect: return .disconnect
        }
    }
}

extension ByteBuffer {
    fileprivate mutating func readByte() throws -> UInt8 {
        guard let byte: UInt8 = readInteger() else { throw MQTTError(.malformedPacket, "a packet ended early") }
        return byte
    }

    fileprivate mutating func readUInt16() throws -> UInt16 {
        guard let value: UInt16 = readInteger() else { throw MQTTError(.malformedPacket, "a packet ended early") }
        return value
    }

    fileprivate mutating func readPacketID() throws -> UInt16 {
        let id = try readUInt16()
        guard id != 0 else { throw MQTTError(.malformedPacket, "packet identifiers are not zero") }
        return id
    }

    fileprivate mutating func readBinary() throws -> [UInt8] {
        let length = Int(try readUInt16())
        guard let bytes = readBytes(length: length) else { throw MQTTError(.malformedPacket, "a packet ended early") }
        return bytes
    }

    /// A UTF-8 string with its two-byte length; invalid UTF-8 or U+0000 is malformed.
    fileprivate mutating func readMQTTString() throws -> String {
        let bytes = try readBinary()
        guard let string = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
            throw MQTTError(.malformedPacket, "a string is not valid UTF-8")
        }
        return string
    }
}
