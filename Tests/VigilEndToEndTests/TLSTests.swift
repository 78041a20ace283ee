import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator
import VigilTestFixtures

@Suite(.serialized, .timeLimit(.minutes(2))) struct TLSTests {
    /// A self-signed certificate made with Debian's `openssl`, in `folder` (removed with it).
    static func certificate() throws -> (certificate: String, key: String, folder: TemporaryDirectory) {
        let folder = TemporaryDirectory("vigil-tls")
        let directory = folder.path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let openssl = try ChildProcess.run(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem",
            ])
        guard openssl.status == 0 else { throw Failure("openssl could not make a certificate: \(openssl.output)") }
        return (directory + "/cert.pem", directory + "/key.pem", folder)
    }

    @Test func servesHTTPSWithTheGivenCertificate() async throws {
        let tls = try Self.certificate()
        defer { withExtendedLifetime(tls.folder) {} }
        let server = try ServerProcess(tls: (tls.certificate, tls.key))
        try await server.start()
        defer { server.stop() }
        #expect(try await server.request(.GET, "/health/live").status == .ok)
        let metadata = try await server.request(.GET, "/fhir/metadata")
        #expect(metadata.json?["implementation"]?["url"]?.stringValue?.hasPrefix("https://") == true)
        let token = try await server.token()
        #expect(try await server.request(.GET, "/api/users", token: token).status == .ok)
        let plain = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/health/live"), timeout: .seconds(2))
        #expect(plain?.status != .ok)
    }
}
