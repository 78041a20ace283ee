public import Logging
public import ServiceLifecycle

/// Keeps the broker's password file and ACL in step with the device registry when Vigil manages
/// the broker (`--broker-config`): after each credential change it rewrites the files and
/// signals the broker, at most once per `interval`, so that provisioning a fleet of thousands of
/// devices costs a few writes rather than one whole file per device. Several nodes on one database:
/// it runs on the leading node only (``LeaderOnly``).
public struct BrokerSync: Service {
    let registry: BrokerRegistry
    let interval: Duration
    let logger: Logger

    public init(registry: BrokerRegistry, interval: Duration = .milliseconds(200), logger: Logger) {
        (self.registry, self.interval, self.logger) = (registry, interval, logger)
    }

    public func run() async throws {
        // A node that took the lead from another writes what it finds at once.
        if registry.isShared { registry.changes.yield() }
        await cancelWhenGracefulShutdown {
            for await _ in registry.pendingChanges {
                do {
                    try await registry.writeFiles()
                } catch {
                    logger.error("cannot update the broker's accounts", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
