import Foundation
import NIOSSL
public import PostgresNIO
import VigilCore

/// Where the database is, read from a URL as libpq reads one:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE&sslrootcert=FILE]`.
///
/// `sslmode`: `disable`; `prefer` (the default: TLS when the server offers it); `require` (TLS,
/// the server's certificate not checked); `verify-full` (TLS, the certificate checked against
/// `sslrootcert`, or the system's roots, and the host name).
public struct PostgresLocation: Sendable {
    public var configuration: PostgresClient.Configuration

    public init(url: String) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else {
            throw VigilError(.invalid, "the PostgreSQL URL must look like postgres://user:password@host:5432/database")
        }
        let user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "vigil"
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let database = String(components.path.drop { $0 == "/" })
        let options = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { $1 }
        var tls = TLSConfiguration.makeClientConfiguration()
        let mode: PostgresClient.Configuration.TLS
        switch options["sslmode"] ?? "prefer" {
        case "disable": mode = .disable
        case "prefer", "allow":
            tls.certificateVerification = .none
            mode = .prefer(tls)
        case "require":
            tls.certificateVerification = .none
            mode = .require(tls)
        case "verify-full", "verify-ca":
            if let file = options["sslrootcert"] { tls.trustRoots = .file(file) }
            tls.certificateVerification = options["sslmode"] == "verify-ca" ? .noHostnameVerification : .fullVerification
            mode = .require(tls)
        case let other:
            throw VigilError(.invalid, "sslmode \(other) is not one of disable, prefer, require, verify-ca, verify-full")
        }
        configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: password, database: database.isEmpty ? user : database, tls: mode)
    }

    /// The URL with its password hidden, for logs and messages.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "postgres://…" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "postgres://…"
    }
}
