import Foundation
import VigilCore

/// `Tests/Python/webhook_receiver.py` on 127.0.0.1, with a certificate of its own made by
/// `openssl` (``certificate`` is the CA to trust): a receiver as an integrator writes one, which
/// checks signatures, drops repeated event ids and logs every request, and answers 500 or holds
/// requests on demand. For the tests.
public final class LocalWebhookReceiver: Sendable {
    /// One request as the receiver saw it.
    public struct Request: Sendable, Decodable {
        public var event: String
        public var status: Int
        public var valid: Bool
        public var duplicate: Bool
        public var type: String?
        public var alert: Int64?
        /// The alert step's time, as the event says (`at`).
        public var at: String?
        public var idInBody: Bool
        public var link: String?
        /// When it arrived, seconds since 1970.
        public var received: Double
    }

    private let server: LocalPythonServer
    private var directory: String { server.directory }
    public var port: Int { server.ports[0] }
    public var certificate: String { directory + "/cert.pem" }
    public var url: String { "https://127.0.0.1:\(port)/hooks/vigil" }

    public init() throws {
        server = try LocalPythonServer("webhook_receiver.py", ports: 1) { directory in
            let openssl = try ChildProcess.run(
                "/usr/bin/env",
                [
                    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1", "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem",
                ])
            guard openssl.status == 0 else { throw VigilError(.internal, "openssl could not make a certificate: \(openssl.output)") }
        } arguments: { directory in
            [
                "--cert", directory + "/cert.pem", "--key", directory + "/key.pem", "--log", directory + "/log", "--secret-file",
                directory + "/secret", "--fail-while", directory + "/fail", "--hang-while", directory + "/hang",
            ]
        }
    }

    /// The webhook's secret, as the integrator keeps it.
    public func keep(secret: String) throws { try secret.write(toFile: directory + "/secret", atomically: true, encoding: .utf8) }

    /// Answer 500 to everything (`true`), or accept again.
    public func failing(_ on: Bool) { server.toggle("fail", on) }

    /// A file that exists once a request is held.
    public var heldMarker: String { directory + "/hang.held" }

    /// Hold every request without answering (`true`), or answer again.
    public func hanging(_ on: Bool) { server.toggle("hang", on) }

    /// Every request so far, in order.
    public var requests: [Request] { server.logged(Request.self) }
}
