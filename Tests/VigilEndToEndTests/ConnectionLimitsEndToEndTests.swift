import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VigilBench
import VigilSimulator

/// What idle, slow and oversized connections do to a running `vigil serve`: each is answered or
/// closed, and `/health` keeps answering.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ConnectionLimitsEndToEndTests {
    /// A TCP connection to 127.0.0.1:`port`, blocking, with a receive timeout.
    final class Connection {
        let descriptor: Int32

        init(port: Int) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw Failure("cannot connect to \(port)") }
            var timeout = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(descriptor) }

        func send(_ text: String) {
            let bytes = Array(text.utf8)
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                sent += n
            }
        }

        /// Whether the server sent something (without waiting).
        var hasAnswer: Bool {
            var byte: UInt8 = 0
            return recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK)) > 0
        }

        /// What the server sent until it closed the connection, or nil while it stays open after `wait`.
        func receiveUntilClosed(wait: Duration) -> String? {
            var received: [UInt8] = []
            let deadline = ContinuousClock.now + wait
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while ContinuousClock.now < deadline {
                let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if n == 0 { return String(decoding: received, as: UTF8.self) }
                if n < 0 {
                    if errno == EAGAIN || errno == EWOULDBLOCK { continue }
                    return String(decoding: received, as: UTF8.self)
                }
                received += buffer[0..<n]
            }
            return nil
        }
    }

    @Test func idleAndSlowConnectionsAreClosed() async throws {
        let server = try ServerProcess(environment: ["VIGIL_HTTP_IDLE_TIMEOUT": "2"])
        try await server.start()
        // Connections that send nothing, or a request head one byte at a time, are closed.
        let idle = try (0..<20).map { _ in try Connection(port: server.port) }
        let slow = try Connection(port: server.port)
        for byte in "GET /health/live HTTP/1.1\r\nHost: x\r\n".prefix(6) {
            slow.send(String(byte))
            try await Task.sleep(for: .milliseconds(500))
        }
        for connection in idle + [slow] {
            #expect(connection.receiveUntilClosed(wait: .seconds(10)) != nil, "an idle connection stayed open")
        }
        #expect(try await server.request(.GET, "/health/live").status == .ok)
    }

    @Test func theNumberOfConnectionsIsCapped() async throws {
        let server = try ServerProcess(environment: ["VIGIL_HTTP_MAX_CONNECTIONS": "64"])
        try await server.start()
        // 200 kept-alive requests: the server takes 64 connections (and the few accepted in the same
        // read of the listening socket) and answers them; the others wait in the listen queue while
        // those stay open (for the 30 s idle timeout), however long this takes.
        var crowd = try (0..<200).map { _ in try Connection(port: server.port) }
        for connection in crowd { connection.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n") }
        var answered = 0
        for _ in 0..<50 where answered < 60 {
            try await Task.sleep(for: .milliseconds(100))
            answered = crowd.count(where: \.hasAnswer)
        }
        try await Task.sleep(for: .seconds(1))
        answered = crowd.count(where: \.hasAnswer)
        #expect(answered >= 60 && answered <= 64 + 8, "\(answered) of 200 answered with a cap of 64")
        // Once they go, the others are taken.
        crowd.removeAll()
        #expect(try await server.request(.GET, "/health/live", timeout: .seconds(30)).status == .ok)
    }

    @Test func anOversizedRequestHeadIsAnswered() async throws {
        let server = try ServerProcess()
        try await server.start()
        let heads = [
            "GET /fhir/Patient?name=\(String(repeating: "a", count: 84_000)) HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Filler: \(String(repeating: "b", count: 84_000))\r\n\r\n",
            "GET /health/live HTTP/1.1\r\nHost: x\r\n" + (0..<2_000).map { "X-\($0): \(String(repeating: "c", count: 40))\r\n" }.joined() + "\r\n",
            // More fields than the decoder takes, in few bytes: it was left unanswered.
            "GET /health/live HTTP/1.1\r\nHost: x\r\n" + (0..<600).map { "X-\($0): c\r\n" }.joined() + "\r\n",
        ]
        for head in heads {
            let connection = try Connection(port: server.port)
            connection.send(head)
            let answer = connection.receiveUntilClosed(wait: .seconds(10))
            #expect(
                answer?.hasPrefix("HTTP/1.1 431") == true || answer?.hasPrefix("HTTP/1.1 414") == true,
                "\(answer?.prefix(300) ?? "no answer, still open")")
            #expect(answer?.contains("OperationOutcome") == true)
        }
        // The most a head may hold is answered: 500 fields, 16 KiB of request line, 64 KiB in all.
        let largest = try Connection(port: server.port)
        let line = "GET /health/live?\(String(repeating: "q", count: 16 * 1024 - 40)) HTTP/1.1\r\n"
        let fields = (0..<498).map { "X-\($0): \(String(repeating: "f", count: 80))\r\n" }.joined()
        largest.send(line + "Host: x\r\nConnection: close\r\n" + fields + "\r\n")
        let answer = largest.receiveUntilClosed(wait: .seconds(10)) ?? ""
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(300))")
        // The second request of a kept-alive connection is answered too.
        let keptAlive = try Connection(port: server.port)
        keptAlive.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
        try await Task.sleep(for: .milliseconds(500))
        keptAlive.send(heads[1])
        let answers = keptAlive.receiveUntilClosed(wait: .seconds(10)) ?? ""
        #expect(answers.hasPrefix("HTTP/1.1 200") && answers.contains("HTTP/1.1 431"), "\(answers.prefix(600))")
        #expect(try await server.request(.GET, "/health/live").status == .ok)
    }
}
