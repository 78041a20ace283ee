import Foundation
import NIOCore
import NIOPosix
import VigilCore

/// Sends e-mail through an SMTP relay (RFC 5321): the hospital's mail server, or a relay on the
/// host such as Postfix that carries it on with TLS. One connection per message; 5 seconds to
/// connect, 30 for the whole exchange. The message carries `Message-ID: <EVENT-ID@vigil>`, so that
/// a message sent twice after a crash is recognised as one.
struct SMTPSender: Sendable {
    let host: String
    let port: Int
    /// The envelope and `From` address.
    let from: String

    /// Sends one plain-text message; returns the relay's answer to it (`250 …`).
    func send(to recipient: String, subject: String, body: String, messageID: String, at time: Int64) async throws -> String {
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask { try await exchange(to: recipient, subject: subject, body: body, messageID: messageID, at: time) }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                throw VigilError(.unavailable, "the mail relay took longer than 30 seconds")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func exchange(to recipient: String, subject: String, body: String, messageID: String, at time: Int64) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var replies = SMTPReplies(inbound.makeAsyncIterator())
            func command(_ line: String?, expect codes: ClosedRange<Int>) async throws -> String {
                if let line { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
                let (code, text) = try await replies.next()
                guard codes.contains(code) else {
                    throw VigilError(.unavailable, "the mail relay answered \(code) \(text) to \(line?.prefix(4) ?? "the greeting")")
                }
                return "\(code) \(text)"
            }
            _ = try await command(nil, expect: 220...220)
            _ = try await command("EHLO vigil", expect: 250...250)
            _ = try await command("MAIL FROM:<\(from)>", expect: 250...250)
            _ = try await command("RCPT TO:<\(recipient)>", expect: 250...251)
            _ = try await command("DATA", expect: 354...354)
            let message = Self.message(from: from, to: recipient, subject: subject, body: body, messageID: messageID, at: time)
            let accepted = try await command(message + "\r\n.", expect: 250...250)
            _ = try? await command("QUIT", expect: 221...221)
            return accepted
        }
    }

    /// The message: headers (a subject beyond ASCII encoded as RFC 2047 asks), then the body with
    /// CRLF line ends and every line starting with a dot doubled.
    static func message(from: String, to: String, subject: String, body: String, messageID: String, at time: Int64) -> String {
        let encodedSubject =
            subject.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            ? subject : "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let date = Date(timeIntervalSince1970: Double(time) / 1000)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let headers = [
            "From: Vigil <\(from)>", "To: <\(to)>", "Subject: \(encodedSubject)", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageID.replacingOccurrences(of: "/", with: ".").replacingOccurrences(of: ":", with: "."))@vigil>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "Auto-Submitted: auto-generated",
        ]
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
        return (headers + [""] + lines).joined(separator: "\r\n")
    }
}

/// SMTP replies read from a connection: `250-…` lines continue a reply, `250 …` ends it.
struct SMTPReplies {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var pending: [UInt8] = []

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

    /// The next whole reply: its code and its last line's text.
    mutating func next() async throws -> (Int, String) {
        while true {
            let line = try await nextLine()
            guard line.count >= 3, let code = Int(line.prefix(3)) else { throw VigilError(.unavailable, "the mail relay does not speak SMTP") }
            if line.count == 3 || line.dropFirst(3).first == " " { return (code, String(line.dropFirst(4))) }
        }
    }

    private mutating func nextLine() async throws -> String {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[..<end]
                pending.removeFirst(end + 1)
                return String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
            }
            guard pending.count < 4096, var buffer = try await iterator.next() else {
                throw VigilError(.unavailable, "the mail relay closed the connection")
            }
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
    }
}
