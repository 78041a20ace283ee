public import ServiceLifecycle

/// Runs a service only on the leading node (``Leadership``), from the moment the node leads.
public struct LeaderOnly: Service {
    let service: any Service
    let leadership: Leadership

    public init(_ service: any Service, leadership: Leadership) {
        (self.service, self.leadership) = (service, leadership)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await leadership.becomeLeader() }
        guard leadership.isLeading, !Task.isShuttingDownGracefully else { return try await gracefulShutdown() }
        try await service.run()
    }
}
