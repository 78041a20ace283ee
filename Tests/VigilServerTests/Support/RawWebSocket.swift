import Foundation
import VigilCore

#if canImport(Glibc)
    import Glibc
#endif

/// A WebSocket client written on a plain socket, for the tests that must choose every upgrade
/// header as a browser would send it: the library client always adds an `Origin` of its own.
/// Blocking, with a receive timeout, used by one task at a time; text frames only, which is all
/// `/api/stream` sends. Its blocking calls run on a thread of their own (``offPool(_:)``): on one
/// of the cooperative pool's two threads here, a read waiting for this process's own server would
/// stall the server and every other test until the read timed out.
final class RawWebSocket: @unchecked Sendable {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    /// Connects to `127.0.0.1:port`, upgrades `path` with `headers` added to the request, and
    /// returns nil when the server does not answer 101.
    init?(port: Int, path: String = "/api/stream", headers: [(String, String)], timeout: Duration = .seconds(10)) {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        head += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        // On failure `deinit` closes the socket, as for any instance that was whole: closing it here
        // too would close whatever another test opened under the same number in between.
        guard connected == 0, write(Array((head + "\r\n").utf8)), let response = readHead(), response.hasPrefix("HTTP/1.1 101") else {
            return nil
        }
    }

    deinit { close(descriptor) }

    /// Sends one text message, masked as a client must.
    func send(_ text: String) -> Bool {
        let payload = Array(text.utf8)
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return write(frame)
    }

    /// Connects and upgrades as ``init(port:path:headers:timeout:)`` does, off the cooperative pool.
    static func open(port: Int, path: String = "/api/stream", headers: [(String, String)]) async -> RawWebSocket? {
        await offPool { RawWebSocket(port: port, path: path, headers: headers) }
    }

    /// Reads messages until one satisfies `match`; nil when the connection ends or times out first.
    func next(where match: @escaping @Sendable (JSON) -> Bool) async -> JSON? {
        await Self.offPool {
            while let message = self.readMessage() {
                if let json = try? JSON.parse(message), match(json) { return json }
            }
            return nil
        }
    }

    /// Runs blocking work on a new thread (a detached Task would still take a pool thread).
    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in Thread.detachNewThread { continuation.resume(returning: body()) } }
    }

    private func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Reads at least `count` bytes into the buffer; false at end or timeout.
    private func fill(_ count: Int) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while buffer.count < count {
            let read = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard read > 0 else { return false }
            buffer += chunk[0..<read]
        }
        return true
    }

    private func readHead() -> String? {
        while true {
            if let end = buffer.indices.dropLast(3).first(where: { buffer[$0..<$0 + 4].elementsEqual([13, 10, 13, 10]) }) {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                return head
            }
            guard fill(buffer.count + 1) else { return nil }
        }
    }

    /// The next text frame's payload (the server sends unfragmented, unmasked frames); nil at close.
    private func readMessage() -> String? {
        guard fill(2) else { return nil }
        let opcode = buffer[0] & 0x0F
        var length = Int(buffer[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard fill(4) else { return nil }
            length = Int(buffer[2]) << 8 | Int(buffer[3])
            offset = 4
        } else if length == 127 {
            guard fill(10) else { return nil }
            length = buffer[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        guard fill(offset + length) else { return nil }
        let payload = buffer[offset..<offset + length]
        buffer.removeFirst(offset + length)
        guard opcode != 0x8 else { return nil }
        return opcode == 0x1 ? String(decoding: payload, as: UTF8.self) : readMessage()
    }
}
