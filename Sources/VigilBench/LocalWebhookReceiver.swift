import Foundation
import VigilCore

/// `Tests/Python/webhook_receiver.py` on 127.0.0.1, with a certificate of its own made by
/// `openssl` (``certificate`` is the CA to trust): a receiver as an integrator writes one, which
/// checks signatures, drops repeated event ids and logs every request, and answers 500 or holds
/// requests on demand. For the tests and `vigil bench notifications`.
public final class LocalWebhookReceiver: Sendable {
    /// One request as the receiver saw it.
    public struct Request: Sendable, Decodable {
        public var event: String
        public var status: Int
        public var valid: Bool
        public var duplicate: Bool
        public var type: String?
        public var alert: Int64?
        public var idInBody: Bool
        public var link: String?
        /// When it arrived, seconds since 1970.
        public var received: Double
    }

    private let directory: String
    private let process: ChildProcess
    public let port: Int
    public var certificate: String { directory + "/cert.pem" }
    public var url: String { "https://127.0.0.1:\(port)/hooks/vigil" }

    /// The script, beside the package's sources.
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Python/webhook_receiver.py").path

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-webhook-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let openssl = try ChildProcess.run(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                "subjectAltName=IP:127.0.0.1", "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem",
            ])
        guard openssl.status == 0 else { throw VigilError(.internal, "openssl could not make a certificate: \(openssl.output)") }
        process = try ChildProcess.spawn(
            "/usr/bin/env",
            [
                "python3", Self.script, "--cert", directory + "/cert.pem", "--key", directory + "/key.pem", "--port-file", directory + "/port",
                "--log", directory + "/log", "--secret-file", directory + "/secret", "--fail-while", directory + "/fail", "--hang-while",
                directory + "/hang",
            ], log: directory + "/output", endsWithThisProcess: false)
        var port: Int?
        for _ in 0..<400 where port == nil {
            port = (try? String(contentsOfFile: directory + "/port", encoding: .utf8)).flatMap { Int($0) }
            if port == nil { usleep(25_000) }
        }
        guard let port else {
            process.stop(SIGKILL)
            throw VigilError(
                .internal, "the webhook receiver did not start: \((try? String(contentsOfFile: directory + "/output", encoding: .utf8)) ?? "")")
        }
        self.port = port
    }

    deinit {
        process.stop(SIGKILL)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The webhook's secret, as the integrator keeps it.
    public func keep(secret: String) throws { try secret.write(toFile: directory + "/secret", atomically: true, encoding: .utf8) }

    /// Answer 500 to everything (`true`), or accept again.
    public func failing(_ on: Bool) { toggle("fail", on) }

    /// A file that exists once a request is held.
    public var heldMarker: String { directory + "/hang.held" }

    /// Hold every request without answering (`true`), or answer again.
    public func hanging(_ on: Bool) { toggle("hang", on) }

    private func toggle(_ name: String, _ on: Bool) {
        let path = directory + "/" + name
        if on { _ = FileManager.default.createFile(atPath: path, contents: Data()) } else { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Every request so far, in order.
    public var requests: [Request] {
        let text = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }
}
