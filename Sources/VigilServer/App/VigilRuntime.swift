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
    public let writer: IngestWriter
    public let policy: ClinicalPolicy
    public let hub: EventHub
    public let alerts: AlertCenter
    /// The clinical rules; nil when they are off.
    public let analysis: AnalysisService?
    public let metrics: VigilMetrics
    public let signInThrottle: SignInThrottle
    /// The dashboard's signed-in browsers.
    public let sessions: DashboardSessions
    /// The devices allowed on the MQTT broker, and the broker's files when Vigil manages them.
    public let broker: BrokerRegistry
    /// Acknowledgements and commands to devices through the broker.
    public let devices = DevicePublisher()
    /// Care-team scopes computed recently.
    let scopes = AccessScopeCache()
    public let logger: Logger

    public init(
        configuration: VigilConfiguration, store: any VigilStore, clock: any VigilClock = SystemClock(), catalog: CodeCatalog = .standard,
        tokenKey: [UInt8], auditKey: [UInt8], brokerKey: [UInt8] = SecureRandom.bytes(32), policy: ClinicalPolicy = .standard,
        metrics: VigilMetrics = .shared, logger: Logger
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
        self.broker = BrokerRegistry(
            store: store, clock: clock,
            files: configuration.brokerConfig.map { directory in
                var files = BrokerFiles(directory: directory)
                if let mqtt = configuration.mqtt { (files.listenHost, files.listenPort) = (mqtt.host, mqtt.port) }
                files.maximumPacketSize = configuration.ingestLimits.maxBodyBytes + 512
                return files
            }, serverKey: brokerKey, logger: logger)
        self.hub = EventHub(firstID: clock.now() * 1000)
        self.alerts = AlertCenter(store: store, sealer: sealer, anchor: anchor, clock: clock, policy: policy.escalation, hub: hub, logger: logger)
        self.analysis =
            configuration.rules
            ? AnalysisService(
                store: store, policy: policy, alerts: alerts, hub: hub, clock: clock, sealer: sealer, anchor: anchor, metrics: metrics,
                logger: logger)
            : nil
        self.writer = IngestWriter(
            store: store, sealer: sealer, anchor: anchor, capacity: configuration.queueCapacity,
            maxCommitRows: configuration.maxCommitRows, analysis: analysis, metrics: metrics, logger: logger
        )
    }
}

extension VigilRuntime {
    /// Tells those who keep derived state that resources were written through FHIR: the scope
    /// cache (care teams and groups) and the analysis (observations, patients, care plans).
    func recordChanged(_ resources: [StoredResource]) async {
        if resources.contains(where: { $0.type == .careTeam || $0.type == .group }) { scopes.invalidate() }
        await analysis?.recordChanged(resources)
    }

    /// Records audit events: through the group-commit writer, so they are durable when this returns.
    public func audit(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        _ = try await writer.submit(IngestCommit(audit: events))
    }

    /// Moves the audit anchor after a write that appended to the chain.
    public func anchorAudit(_ head: AuditHead?) {
        if let head { anchor.advance(to: head) }
    }

    /// An audit event stamped with now, the principal and the client.
    public func auditEvent(
        _ principal: Principal?, client: String?, patient: String? = nil, action: AuditEvent.Action, resource: String,
        outcome: AuditEvent.Outcome = .success, detail: String? = nil
    ) -> AuditEvent {
        AuditEvent(
            time: clock.now(), actor: principal?.auditName ?? "anonymous", role: principal?.roleName ?? "anonymous",
            patient: patient, action: action, resource: resource, outcome: outcome, client: client, detail: detail
        )
    }
}
