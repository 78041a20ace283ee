import HummingbirdCore
import Logging
import NIOCore

/// An HTTP child channel with ``RequestHeadGuard`` in front of the HTTP handlers (behind TLS when
/// the server wraps this in TLS).
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    let inner: Inner
    /// How long the first request head may take to arrive.
    let headTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Inner.Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(RequestHeadGuard(timeout: headTimeout))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Inner.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
