public import NIOCore

extension MQTTPacket {
    /// Packet types (the high nibble of the first byte).
    enum Kind: UInt8 {
        case connect = 1, connack = 2, publish = 3, puback = 4, subscribe = 8, suback = 9, pingreq = 12, pingresp = 13, disconnect = 14
    }

    /// The largest remaining length the four-byte varint can express.
    static let maximumRemainingLength = 268_435_455

    /// Appends the packet's bytes to `buffer`.
    public func write(to buffer: inout ByteBuffer) {
        var body = ByteBuffer()
        let kind: Kind
        var flags: UInt8 = 0
        switch self {
        case .connect(let connect):
            kind = .connect
            body.writeMQTTString("MQTT")
            body.writeInteger(UInt8(4))
            var connectFlags: UInt8 = connect.cleanSession ? 0x02 : 0
            if connect.username != nil { connectFlags |= 0x80 }
            if connect.password != nil { connectFlags |= 0x40 }
            body.writeInteger(connectFlags)
            body.writeInteger(connect.keepAlive)
            body.writeMQTTString(connect.clientID)
            if let username = connect.username { body.writeMQTTString(username) }
            if let password = connect.password {
                body.writeInteger(UInt16(password.count))
                body.writeBytes(password)
            }
        case .connack(let sessionPresent, let returnCode):
            kind = .connack
            body.writeInteger(UInt8(sessionPresent ? 1 : 0))
            body.writeInteger(returnCode)
        case .publish(let publish):
            kind = .publish
            flags = (publish.duplicate ? 0x08 : 0) | publish.qos.rawValue << 1 | (publish.retain ? 0x01 : 0)
            body.writeMQTTString(publish.topic)
            if let packetID = publish.packetID { body.writeInteger(packetID) }
            body.writeImmutableBuffer(publish.payload)
        case .puback(let packetID):
            kind = .puback
            body.writeInteger(packetID)
        case .subscribe(let packetID, let filters):
            kind = .subscribe
            flags = 0b0010
            body.writeInteger(packetID)
            for (filter, qos) in filters {
                body.writeMQTTString(filter)
                body.writeInteger(qos.rawValue)
            }
        case .suback(let packetID, let returnCodes):
            kind = .suback
            body.writeInteger(packetID)
            body.writeBytes(returnCodes)
        case .pingreq: kind = .pingreq
        case .pingresp: kind = .pingresp
        case .disconnect: kind = .disconnect
        }
        buffer.writeInteger(kind.rawValue << 4 | flags)
        var length = body.readableBytes
        repeat {
            var byte = UInt8(length & 0x7F)
            length >>= 7
            if length > 0 { byte |= 0x80 }
            buffer.writeInteger(byte)
        } while length > 0
        buffer.writeBuffer(&body)
    }
}

extension ByteBuffer {
    /// A UTF-8 string with its two-byte length.
    mutating func writeMQTTString(_ string: String) {
        writeInteger(UInt16(string.utf8.count))
        writeString(string)
    }
}
