public import Configuration
import Foundation
import VigilClinical
public import VigilCore

extension VigilConfiguration {
    /// Reads the configuration from `reader`, whose keys mirror the command-line flags:
    ///
    /// - `data` (string, default `./vigil-data`): data directory.
    /// - `http` (string `HOST:PORT`, default `127.0.0.1:8080`).
    /// - `tlsCert`, `tlsKey` (paths): serve HTTPS.
    /// - `trustedProxies` (comma-separated networks): whose `X-Forwarded-*` headers are believed.
    /// - `corsOrigins` (comma-separated origins like `https://app.example.org`): browser apps allowed.
    /// - `publicURL` (`https://vigil.example.org`): where people open the dashboard, for links in notifications.
    /// - `webhookAllow` (comma-separated networks): private networks webhooks may reach; `webhookCA` (PEM path).
    /// - `smtp` (`HOST:PORT`): the mail relay for e-mail notifications; `smtpFrom` (their address).
    /// - `smsGateway` (URL): the HTTP gateway for text messages and pages; `smsGatewayToken` (its bearer token).
    /// - `auditKey` (path, default `<data>/keys/audit.key`).
    /// - `mqtt` (URL `mqtt://[user:password@]host:port` or `mqtts://…`), `mqttCA` (PEM path).
    /// - `brokerConfig` (directory): keep the Mosquitto password file, ACL and configuration there.
    /// - `mllp` (`HOST:PORT`), `mllpSenders` (comma-separated `FACILITY@NETWORK`), `mllpMaxMessage` (bytes),
    ///   `mllpTLS` (`on` | `off`, default `on`: TLS with the server's certificate when one is given),
    ///   `mllpAuthorities` (comma-separated `NAME=SYSTEM`: PID-3.4 assigning authorities and their identifier systems).
    /// - `postgres` (URL `postgres://user:password@host:5432/database?sslmode=…`): the store on
    ///   PostgreSQL instead of SQLite in the data directory; `postgresConnections` (default 16): the most this node opens.
    /// - `adminPassword` (string): the first admin's password.
    /// - `httpIdleTimeout` (seconds, default 30): an HTTP connection without a request, or a
    ///   request head still arriving, is closed after it. `httpMaxConnections` (default 10,000).
    /// - `auditCheckpoint` (seconds, default 60): at most one checkpoint of the audit chain's head
    ///   per interval in the append-only checkpoint log.
    /// - `tokenLifetime` (seconds, default 900), `refreshTokenLifetime` (seconds, default 43,200), `bcryptCost` (default 12), `sessionIdle` (seconds
    ///   without a request before a dashboard session ends, default 900).
    /// - `maxBody` (bytes, default 4 MiB), `maxReadings` (default 10,000), `maxDepth` (default 32).
    /// - `lateUploadWindow` (seconds, default 43,200): how long after a device leaves a patient it
    ///   may still upload what it took on that patient.
    /// - `queueCapacity` (default 500,000), `maxCommitRows` (default 50,000).
    /// - `rules` (`on` | `off`, default `on`): run the clinical rules.
    /// - `policy` (path): a clinical policy document instead of the standard one.
    /// - `locationRetention` (days, default 21): how long wearers' location pings are kept.
    /// - `streamRecheck` (seconds, default 30): how often `/api/stream` checks its token and scope again.
    /// - `logFormat` (`text` | `json`), `logLevel` (`trace` … `critical`, default `info`).
    ///
    /// With an environment provider prefixed `vigil`, each key reads `VIGIL_` plus the key in
    /// upper snake case (`VIGIL_HTTP`, `VIGIL_TLS_CERT`, `VIGIL_ADMIN_PASSWORD`).
    ///
    /// - Throws: ``VigilError`` when a value is malformed.
    public init(reader: ConfigReader) throws(VigilError) {
        self.init()
        if let data = reader.string(forKey: "data") { dataDirectory = data }
        if let http = reader.string(forKey: "http") {
            guard let (host, port) = Self.hostPort(http) else {
                throw VigilError(.invalid, "--http takes HOST:PORT (was \(http))")
            }
            (httpHost, httpPort) = (host, port)
        }
        tlsCertificate = reader.string(forKey: "tlsCert")
        tlsKey = reader.string(forKey: "tlsKey")
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw VigilError(.invalid, "--tls-cert and --tls-key go together")
        }
        for network in reader.string(forKey: "trustedProxies", default: "").split(separator: ",") {
            trustedProxies.append(try IPNetwork(network.trimmingCharacters(in: .whitespaces)))
        }
        for origin in reader.string(forKey: "corsOrigins", default: "").split(separator: ",") {
            let origin = origin.trimmingCharacters(in: .whitespaces)
            guard Origin(origin) != nil else {
                throw VigilError(.invalid, "--cors-origins takes origins like https://app.example.org, without a path (was \(origin))")
            }
            corsOrigins.append(origin)
        }
        if let url = reader.string(forKey: "publicURL") {
            guard Origin(url) != nil else {
                throw VigilError(.invalid, "--public-url takes an origin like https://vigil.example.org, without a path (was \(url))")
            }
            publicURL = url
        }
        for network in reader.string(forKey: "webhookAllow", default: "").split(separator: ",") {
            webhookAllow.append(try IPNetwork(network.trimmingCharacters(in: .whitespaces)))
        }
        webhookCA = reader.string(forKey: "webhookCA")
        if let smtp = reader.string(forKey: "smtp") {
            guard let (host, port) = Self.hostPort(smtp) else { throw VigilError(.invalid, "--smtp takes HOST:PORT (was \(smtp))") }
            (smtpHost, smtpPort) = (host, port)
        }
        if let from = reader.string(forKey: "smtpFrom") {
            guard NotificationPreferences.isValid(from, for: .email) else { throw VigilError(.invalid, "--smtp-from takes an e-mail address") }
            smtpFrom = from
        }
        if let gateway = reader.string(forKey: "smsGateway") {
            guard let url = URLComponents(string: gateway), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw VigilError(.invalid, "--sms-gateway takes an http(s) URL")
            }
            smsGateway = gateway
        }
        smsGatewayToken = reader.string(forKey: "smsGatewayToken", isSecret: true).map { Secret($0) }
        auditKeyFile = reader.string(forKey: "auditKey")
        if let url = reader.string(forKey: "mqtt", isSecret: true) { mqtt = try MQTTEndpoint(url: url) }
        mqttCA = reader.string(forKey: "mqttCA")
        brokerConfig = reader.string(forKey: "brokerConfig")
        if let mllp = reader.string(forKey: "mllp") {
            guard let (host, port) = Self.hostPort(mllp) else { throw VigilError(.invalid, "--mllp takes HOST:PORT (was \(mllp))") }
            (mllpHost, mllpPort) = (host, port)
        }
        for sender in reader.string(forKey: "mllpSenders", default: "").split(separator: ",") {
            mllpSenders.append(try MLLPSender(sender.trimmingCharacters(in: .whitespaces)))
        }
        for pair in reader.string(forKey: "mllpAuthorities", default: "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains(":") else {
                throw VigilError(.invalid, "--mllp-authorities takes NAME=SYSTEM pairs, like Hospital=urn:oid:1.2.840.99 (was \(pair))")
            }
            mllpAuthorities[parts[0]] = parts[1]
        }
        mllpMaxMessage = reader.int(forKey: "mllpMaxMessage", default: mllpMaxMessage)
        mllpTLS = try Self.onOff(reader, "mllpTLS", flag: "--mllp-tls")
        postgres = reader.string(forKey: "postgres", isSecret: true).map { Secret($0) }
        postgresConnections = reader.int(forKey: "postgresConnections", default: postgresConnections)
        adminPassword = reader.string(forKey: "adminPassword", isSecret: true).map { Secret($0) }
        httpIdleTimeout = reader.int(forKey: "httpIdleTimeout", default: httpIdleTimeout)
        httpMaxConnections = reader.int(forKey: "httpMaxConnections", default: httpMaxConnections)
        auditCheckpointSeconds = reader.int(forKey: "auditCheckpoint", default: auditCheckpointSeconds)
        tokenLifetime = reader.int(forKey: "tokenLifetime", default: tokenLifetime)
        refreshTokenLifetime = reader.int(forKey: "refreshTokenLifetime", default: refreshTokenLifetime)
        sessionIdle = reader.int(forKey: "sessionIdle", default: sessionIdle)
        bcryptCost = reader.int(forKey: "bcryptCost", default: bcryptCost)
        ingestLimits.maxBodyBytes = reader.int(forKey: "maxBody", default: ingestLimits.maxBodyBytes)
        ingestLimits.maxReadings = reader.int(forKey: "maxReadings", default: ingestLimits.maxReadings)
        ingestLimits.maxDepth = reader.int(forKey: "maxDepth", default: ingestLimits.maxDepth)
        let lateUploadSeconds = reader.int(forKey: "lateUploadWindow", default: Int(ingestLimits.lateUploadWindow / 1000))
        ingestLimits.lateUploadWindow = Int64(lateUploadSeconds) * 1000
        queueCapacity = reader.int(forKey: "queueCapacity", default: queueCapacity)
        maxCommitRows = reader.int(forKey: "maxCommitRows", default: maxCommitRows)
        rules = try Self.onOff(reader, "rules", flag: "--rules")
        policyFile = reader.string(forKey: "policy")
        cohortsFile = reader.string(forKey: "cohorts")
        locationRetentionDays = reader.int(forKey: "locationRetention", default: locationRetentionDays)
        exportRetentionHours = reader.int(forKey: "exportRetention", default: exportRetentionHours)
        let recheck = reader.int(forKey: "streamRecheck", default: 30)
        guard recheck >= 1 else { throw VigilError(.invalid, "the stream recheck interval is at least 1 second") }
        streamRecheck = .seconds(recheck)
        logFormat = reader.string(forKey: "logFormat", default: logFormat)
        logLevel = reader.string(forKey: "logLevel", default: logLevel)
        for (value, name) in [
            (httpIdleTimeout, "httpIdleTimeout"), (httpMaxConnections, "httpMaxConnections"), (mllpMaxMessage, "mllpMaxMessage"),
            (ingestLimits.maxBodyBytes, "maxBody"), (ingestLimits.maxReadings, "maxReadings"), (ingestLimits.maxDepth, "maxDepth"),
            (queueCapacity, "queueCapacity"), (maxCommitRows, "maxCommitRows"), (lateUploadSeconds, "lateUploadWindow"),
            (locationRetentionDays, "locationRetention"), (exportRetentionHours, "exportRetention"),
        ] where value < 1 {
            throw VigilError(.invalid, "\(name) must be 1 or more (was \(value))")
        }
        guard auditCheckpointSeconds >= 0 else { throw VigilError(.invalid, "the audit checkpoint interval is 0 seconds or more") }
        guard (4...31).contains(bcryptCost) else { throw VigilError(.invalid, "bcrypt cost must be 4 to 31") }
        guard tokenLifetime >= 60 else { throw VigilError(.invalid, "token lifetime must be at least 60 seconds") }
        guard refreshTokenLifetime >= tokenLifetime else { throw VigilError(.invalid, "the refresh token lifetime is at least the token lifetime") }
        guard sessionIdle >= 60 else { throw VigilError(.invalid, "the session idle time must be at least 60 seconds") }
        guard ["text", "json"].contains(logFormat) else { throw VigilError(.invalid, "log format is text or json") }
    }

    /// An `on` | `off` value, `on` when not given.
    private static func onOff(_ reader: ConfigReader, _ key: ConfigKey, flag: String) throws(VigilError) -> Bool {
        switch reader.string(forKey: key, default: "on") {
        case "on": true
        case "off": false
        case let other: throw VigilError(.invalid, "\(flag) is on or off (was \(other))")
        }
    }

    /// Splits `HOST:PORT` (IPv6 hosts in brackets: `[::1]:8080`).
    public static func hostPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }
}
