public import ServiceLifecycle

/// Re-notifies, escalates and hands over open alerts on its own clock, once a second, whatever the
/// analysis is doing (``AlertCenter/tick()``).
public struct EscalationClock: Service {
    let alerts: AlertCenter
    let interval: Duration

    public init(alerts: AlertCenter, interval: Duration = .seconds(1)) {
        (self.alerts, self.interval) = (alerts, interval)
    }

    public func run() async throws {
        try await alerts.load()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await alerts.tick()
            }
        }
    }
}
