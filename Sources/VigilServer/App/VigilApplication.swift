import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import VigilClinical
public import VigilCore
import VigilPostgres
import VigilSQLite

/// The composition root: builds the store, keys, runtime, router and application from a
/// ``VigilConfiguration``.
public enum VigilApplication {
    /// The store the configuration names: PostgreSQL at `--postgres`, else SQLite in the data directory.
    public static func openStore(configuration: VigilConfiguration, logger: Logger) async throws -> any VigilStore {
        guard let url = configuration.postgres?.value else {
            try DataDirectory.prepare(configuration.dataDirectory, database: configuration.databasePath, logger: logger)
            return try SQLiteStore(path: configuration.databasePath)
        }
        do {
            return try await PostgresStore(url: url, connections: configuration.postgresConnections)
        } catch let error as VigilError {
            throw VigilError(error.code, "PostgreSQL at \(PostgresLocation.redacted(url)): \(error.message)", retryAfter: error.retryAfter)
        } catch {
            throw VigilError(.unavailable, "cannot open PostgreSQL at \(PostgresLocation.redacted(url)): \(error)")
        }
    }

    /// Opens the keys in the data directory and builds the runtime on `store`, or on the SQLite
    /// store in the data directory when there is none.
    /// - Throws: ``VigilError`` for options that are not available, or files that cannot be used.
    public static func makeRuntime(
        configuration: VigilConfiguration, store: (any VigilStore)? = nil, clock: any VigilClock = SystemClock(), logger: Logger
    ) throws -> VigilRuntime {
        if configuration.postgres != nil, store == nil { throw VigilError(.internal, "a PostgreSQL store is opened with openStore first") }
        if configuration.mllpPort != nil, configuration.mllpSenders.isEmpty {
            throw VigilError(.invalid, "--mllp needs --mllp-senders: the sending facilities (MSH-4) and networks allowed to send HL7")
        }
        for (file, what) in [
            (configuration.tlsCertificate, "the TLS certificate"), (configuration.tlsKey, "the TLS key"),
            (configuration.mqttCA, "the MQTT certificate authorities"), (configuration.policyFile, "the policy"),
            (configuration.cohortsFile, "the cohort definitions"),
        ] {
            if let file, !FileManager.default.isReadableFile(atPath: file) {
                throw VigilError(.invalid, "\(what) \(file) does not exist or cannot be read")
            }
        }
        try DataDirectory.prepare(
            configuration.dataDirectory, database: configuration.postgres == nil ? configuration.databasePath : nil, logger: logger)
        var policy = ClinicalPolicy.standard
        if let file = configuration.policyFile {
            guard let data = FileManager.default.contents(atPath: file) else { throw VigilError(.invalid, "cannot read the policy \(file)") }
            do {
                policy = try ClinicalPolicy.decode(data)
            } catch {
                throw VigilError(.invalid, "the policy \(file) is not a valid policy document: \(error)")
            }
        }
        var cohorts = CohortCatalog.shipped
        if let file = configuration.cohortsFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw VigilError(.invalid, "cannot read the cohort definitions \(file)")
            }
            do {
                cohorts = try CohortCatalog.with(document: data)
            } catch let error as VigilError {
                throw VigilError(.invalid, "the cohort definitions \(file): \(error.message)")
            }
        }
        let store = try store ?? SQLiteStore(path: configuration.databasePath)
        let runtime = VigilRuntime(
            configuration: configuration, store: store, clock: clock,
            tokenKey: try KeyFile.loadOrCreate(configuration.tokenKeyFile),
            auditKey: try KeyFile.loadOrCreate(configuration.resolvedAuditKeyFile),
            brokerKey: try KeyFile.loadOrCreate(configuration.brokerKeyFile),
            researchKey: try KeyFile.loadOrCreate(configuration.researchKeyFile),
            webhookKey: try KeyFile.loadOrCreate(configuration.webhookKeyFile),
            policy: policy, cohorts: cohorts, logger: logger
        )
        if let checkpoints = runtime.anchor.checkpoints {
            try checkpoints.create()
            if !checkpoints.isAppendOnly {
                logger.notice(
                    "the audit checkpoint log is not append-only: as root, `chattr +a` it so that nobody can put an older one back",
                    metadata: ["path": "\(checkpoints.path)"])
            }
        }
        return runtime
    }

    /// Every route the server has.
    public static func routes(runtime: VigilRuntime) -> [VigilRoute] {
        OperationsRoutes(runtime: runtime).routes + AuthRoutes(runtime: runtime).routes + IngestRoutes(runtime: runtime).routes
            + QuarantineRoutes(runtime: runtime).routes + UserRoutes(runtime: runtime).routes
            + DeviceCredentialRoutes(runtime: runtime).routes + CommandRoutes(runtime: runtime).routes + AlertRoutes(runtime: runtime).routes
            + OnDutyRoutes(runtime: runtime).routes
            + WebhookRoutes(runtime: runtime).routes + NotificationPreferenceRoutes(runtime: runtime).routes
            + BoardRoutes(runtime: runtime).routes
            + CohortRoutes(runtime: runtime).routes + ScreeningRoutes(runtime: runtime).routes + ExposureRoutes(runtime: runtime).routes
            + StreamRoutes().routes
            + BulkExportRoutes(runtime: runtime).routes + ResearchRoutes(runtime: runtime).routes + FHIRRoutes(runtime: runtime).routes
            + DashboardRoutes(runtime: runtime).routes
            + AlertPageRoutes(runtime: runtime).routes + PatientPageRoutes(runtime: runtime).routes
            + SchoolPageRoutes(runtime: runtime).routes + PublicHealthPageRoutes(runtime: runtime).routes
    }

    /// The router: public routes, then everything else behind authentication.
    public static func buildRouter(runtime: VigilRuntime) -> Router<VigilRequestContext> {
        let router = Router(context: VigilRequestContext.self)
        let routes = routes(runtime: runtime)
        router.addMiddleware {
            ForwardedHeaders(trusted: runtime.configuration.trustedProxies)
            CORSMiddleware(origins: runtime.configuration.corsOrigins)
            AccessLogMiddleware()
            HTTPMetricsMiddleware(metrics: runtime.metrics)
            ErrorMiddleware()
            OptionsMiddleware(routes: routes)
            URLCredentialGuard<VigilRequestContext>()
            FHIRFormatMiddleware<VigilRequestContext>()
        }
        let protected = router.group().add(middleware: AuthenticationMiddleware(runtime: runtime)).add(
            middleware: RefusalAuditMiddleware(runtime: runtime))
        let pages = router.group().add(middleware: SessionMiddleware(runtime: runtime)).add(middleware: RefusalAuditMiddleware(runtime: runtime))
        for route in routes {
            switch route.access {
            case .public: router.on(RouterPath(route.path), method: route.method, use: route.handler)
            case .authenticated: protected.on(RouterPath(route.path), method: route.method, use: route.handler)
            case .session: pages.on(RouterPath(route.path), method: route.method, use: route.handler)
            }
        }
        return router
    }

    /// `services` run on the leading node only (``Leadership``; every one when alone on SQLite).
    static func leaderOnly(_ services: [any Service], _ runtime: VigilRuntime) -> [any Service] {
        services.map { LeaderOnly($0, leadership: runtime.leadership) }
    }

    /// The device transports configured: MQTT, MLLP. Listed after the writer, so that on shutdown
    /// they stop taking readings before the writer commits what it accepted.
    static func transports(runtime: VigilRuntime, onMLLPListening: @escaping @Sendable (String) -> Void) -> [any Service] {
        var services: [any Service] = []
        if runtime.configuration.brokerConfig != nil {
            services.append(LeaderOnly(BrokerSync(registry: runtime.broker, logger: runtime.logger), leadership: runtime.leadership))
        }
        if let endpoint = runtime.configuration.mqtt { services.append(MQTTIngestService(runtime: runtime, endpoint: endpoint)) }
        if let host = runtime.configuration.mllpHost, let port = runtime.configuration.mllpPort {
            services.append(MLLPIngestService(runtime: runtime, host: host, port: port, onListening: onMLLPListening))
        }
        return services
    }

    /// Runs `app` until SIGTERM or SIGINT. A listener that cannot bind its address ends it with a
    /// ``VigilError`` naming the address and the option to change.
    public static func run(_ app: some ApplicationProtocol, configuration: VigilConfiguration) async throws {
        do {
            try await app.runService()
        } catch let error as IOError {
            // Only the HTTP listener lets a socket error through: MLLP's are VigilErrors already.
            let host = configuration.httpHost.contains(":") ? "[\(configuration.httpHost)]" : configuration.httpHost
            throw VigilError.cannotListen(on: "\(host):\(configuration.httpPort)", option: "--http", error)
        }
    }

    /// The application: HTTP (or HTTPS when a certificate is configured) with the `/api/stream`
    /// WebSocket upgrade, the analysis and the ingest writer as services, shut down after the server so that accepted readings are committed and answered.
    /// - Parameters:
    ///   - onListening: called with `host:port` once the server listens (the actual port when 0 was asked).
    ///   - onMLLPListening: the same for the MLLP listener.
    public static func build(
        runtime: VigilRuntime, onListening: @escaping @Sendable (String) -> Void = { _ in },
        onMLLPListening: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let configuration = runtime.configuration
        var server = StreamUpgrade.server(runtime: runtime)
        if let certificate = configuration.tlsCertificate, let key = configuration.tlsKey {
            do {
                let tls = TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
                )
                server = try .tls(server, tlsConfiguration: tls)
            } catch {
                throw VigilError(.invalid, "cannot use the TLS certificate \(certificate) with the key \(key): \(error)")
            }
        }
        ChannelWarmUp.run(logger: runtime.logger)
        let descriptors = DescriptorLimit.raise()
        let connections = DescriptorLimit.connectionCap(wanted: configuration.httpMaxConnections, descriptors: descriptors)
        if connections < configuration.httpMaxConnections {
            runtime.logger.warning(
                "HTTP connections capped below the configured number: the descriptor limit is too low (raise it with ulimit -n)",
                metadata: ["connections": "\(connections)", "descriptors": "\(descriptors)"])
        }
        return Application(
            responder: HeadResponder(buildRouter(runtime: runtime).buildResponder()),
            server: server,
            configuration: .init(
                address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "Vigil",
                availableConnectionsDelegate: .maximum(connections, logger: runtime.logger)),
            services: [runtime.leadership] + leaderOnly(runtime.analysis.map { [$0] } ?? [], runtime) + [runtime.writer]
                + (runtime.feed.map { [$0] } ?? [])
                + leaderOnly([EscalationClock(alerts: runtime.alerts), runtime.outbox, runtime.commands, runtime.whereabouts], runtime)
                + [runtime.population, runtime.exports] + transports(runtime: runtime, onMLLPListening: onMLLPListening),
            onServerRunning: { channel in
                let host = configuration.httpHost.contains(":") ? "[\(configuration.httpHost)]" : configuration.httpHost
                onListening("\(host):\(channel.localAddress?.port ?? configuration.httpPort)")
            },
            logger: runtime.logger
        )
    }
}
