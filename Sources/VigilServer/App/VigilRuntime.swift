public import Logging
public import VigilClinical
public import VigilCore

/// The parts every route shares, built once at the composition root.
public struct VigilRuntime: Sendable {
    public let configuration: VigilConfiguration
    public let store: any VigilStore
    public let clock: any VigilClock
    public let catalog: CodeCatalog
    public let tokens: TokenSigner
    public let passwords: PasswordHasher
    public let sealer: HMACAuditSealer
    public let anchor: AuditAnchor
    /// The one owner of writing (``ChangeWriter``).
    public let writer: ChangeWriter
    public let policy: ClinicalPolicy
    /// The outbreak cohorts answered by name.
    public let cohorts: CohortCatalog
    public let hub: EventHub
    public let alerts: AlertCenter
    /// Who of a patient's care team is on duty (the alerts' routing, `GET /api/on-duty`).
    let rosters: CareTeamRosters
    /// The webhooks, and their signing secrets.
    let webhooks: WebhookDirectory
    let webhookSigner: WebhookSigner
    /// Delivers the outbox's notifications.
    public let outbox: OutboxDeliverer
    /// Commands to devices: asked for, proposed, sent, answered.
    public let commands: CommandCenter
    /// The clinical rules; nil when they are off.
    public let analysis: AnalysisService?
    /// Whether this node does the duties done once for all nodes (always, alone on SQLite).
    public let leadership: Leadership
    /// Other nodes' commits, announced here (several nodes on one PostgreSQL); nil alone.
    public let feed: CommitFeed?
    public let metrics: VigilMetrics
    public let signInThrottle: SignInThrottle
    /// Client assertions already used (SMART Backend Services).
    let assertionReplays = AssertionReplayGuard()
    /// The dashboard's signed-in browsers.
    public let sessions: DashboardSessions
    /// The devices allowed on the MQTT broker, and the broker's files when Vigil manages them.
    public let broker: BrokerRegistry
    /// Acknowledgements and commands to devices through the broker.
    public let devices = DevicePublisher()
    /// Care-team scopes computed recently.
    let scopes = AccessScopeCache()
    /// Devices' tokens and patient links, kept between the commits that change them.
    let deviceDirectory: DeviceDirectory
    /// Wearers' whereabouts: consent, erasure, retention.
    public let whereabouts: WhereaboutsKeeper
    /// Everyone's population facts, for counts over a whole population.
    public let population: PopulationIndex
    /// FHIR Bulk Data exports.
    public let exports: BulkExporter
    public let logger: Logger

    public init(
        configuration: VigilConfiguration, store: any VigilStore, clock: any VigilClock = SystemClock(), catalog: CodeCatalog = .standard,
        tokenKey: [UInt8], auditKey: [UInt8], brokerKey: [UInt8] = SecureRandom.bytes(32),
        researchKey: [UInt8] = SecureRandom.bytes(32), webhookKey: [UInt8] = SecureRandom.bytes(32), policy: ClinicalPolicy = .standard,
        cohorts: CohortCatalog = .shipped, metrics: VigilMetrics = .shared, logger: Logger
    ) {
        var configuration = configuration
        // Devices' clocks are trusted as far ahead as the policy's tolerance, as people's are.
        configuration.ingestLimits.futureTolerance = Int64(policy.clockToleranceSeconds) * 1000
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.catalog = catalog
        self.tokens = TokenSigner(key: tokenKey, lifetime: configuration.tokenLifetime)
        self.passwords = PasswordHasher(cost: configuration.bcryptCost)
        self.sealer = HMACAuditSealer(key: auditKey)
        self.anchor = AuditAnchor(configuration: configuration, sealer: sealer, logger: logger)
        self.metrics = metrics
        self.signInThrottle = SignInThrottle()
        self.sessions = DashboardSessions(idleSeconds: configuration.sessionIdle)
        self.logger = logger
        self.policy = policy
        self.cohorts = cohorts
        self.broker = BrokerRegistry(
            store: store, clock: clock,
            files: configuration.brokerConfig.map { directory in
                var files = BrokerFiles(directory: directory)
                if let mqtt = configuration.mqtt { (files.listenHost, files.listenPort) = (mqtt.host, mqtt.port) }
                files.maximumPacketSize = configuration.ingestLimits.maxBodyBytes + 512
                return files
            }, serverKey: brokerKey, logger: logger)
        self.hub = EventHub(firstID: clock.now() * 1000)
        self.deviceDirectory = DeviceDirectory(store: store)
        self.writer = ChangeWriter(
            store: store, sealer: sealer, anchor: anchor, capacity: configuration.queueCapacity, maxCommitRows: configuration.maxCommitRows,
            metrics: metrics, logger: logger)
        self.whereabouts = WhereaboutsKeeper(
            store: store, writer: writer, clock: clock, retentionDays: configuration.locationRetentionDays, logger: logger)
        self.population = PopulationIndex(store: store, cohorts: cohorts, logger: logger)
        self.exports = BulkExporter(
            store: store, population: population, clock: clock, directory: configuration.dataDirectory + "/exports",
            retentionHours: configuration.exportRetentionHours,
            writer: writer, research: ResearchKeys(secret: researchKey), logger: logger)
        self.rosters = CareTeamRosters(store: store, policy: policy.escalation, clock: clock, defaultZone: SiteTime.current.zone, logger: logger)
        self.webhooks = WebhookDirectory(store: store, clock: clock)
        self.webhookSigner = WebhookSigner(key: webhookKey)
        self.alerts = AlertCenter(
            store: store, writer: writer, clock: clock, policy: policy.escalation, rosters: rosters, webhooks: webhooks, logger: logger)
        self.outbox = OutboxDeliverer(
            store: store, writer: writer, clock: clock, sender: WebhookSender(allow: configuration.webhookAllow, caFile: configuration.webhookCA),
            signer: webhookSigner,
            mail: configuration.smtpHost.map { SMTPSender(host: $0, port: configuration.smtpPort, from: configuration.smtpFrom) },
            texts: configuration.smsGateway.map { TextGateway(url: $0, token: configuration.smsGatewayToken?.value) }, alerts: alerts,
            linkBase: configuration.linkBase, logger: logger)
        self.commands = CommandCenter(
            store: store, writer: writer, clock: clock, policy: policy.commands, publisher: devices, directory: deviceDirectory, logger: logger)
        let shared = store as? any SharedStore
        let leadership = Leadership(store: shared, logger: logger)
        self.leadership = leadership
        self.feed = shared.map { [writer] in CommitFeed(store: $0, writer: writer, leadership: leadership, logger: logger) }
        let analysis =
            configuration.rules
            ? AnalysisService(
                store: store, policy: policy, alerts: alerts, clock: clock, metrics: metrics, logger: logger, waitsToRun: shared != nil) : nil
        self.analysis = analysis
        // Told of every commit, this node's and the others', in this order, before anyone waiting
        // for it is answered.
        writer.subscribe(alerts)
        writer.subscribe(signInThrottle)
        writer.subscribe(scopes)
        writer.subscribe(rosters)
        writer.subscribe(webhooks)
        writer.subscribe(population)
        writer.subscribe(deviceDirectory)
        writer.subscribe(whereabouts)
        writer.subscribe(broker)
        if let analysis {
            writer.subscribe(analysis)
            writer.holdReadings(unless: { [weak analysis] in analysis?.hasRoom ?? true })
        }
        writer.subscribe(hub)
        writer.subscribe(outbox)
        writer.subscribe(commands)
    }
}

extension VigilRuntime {
    /// Records audit events: through the writer, so they are durable when this returns.
    public func audit(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        try await writer.submit(.audit(events))
    }

    /// An audit event stamped with now, the principal and the client.
    public func auditEvent(
        _ principal: Principal?, client: String?, patient: String? = nil, action: AuditEvent.Action, resource: String,
        outcome: AuditEvent.Outcome = .success, detail: String? = nil, purpose: String? = nil
    ) -> AuditEvent {
        AuditEvent(
            time: clock.now(), actor: principal?.auditName ?? "anonymous", role: principal?.roleName ?? "anonymous",
            patient: patient, action: action, resource: resource, outcome: outcome, client: client, detail: detail, purpose: purpose
        )
    }
}
