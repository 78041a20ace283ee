import Foundation
import Logging
public import ServiceLifecycle
import Synchronization
import VigilCore

/// Which node does the duties done once for all the nodes on one database: the analysis and the
/// alerts' clock, the notifications, device commands, the broker's files, retention. The node
/// holding the lease `leader` in the store (``SharedStore/holdLease(_:seconds:)``) leads; it
/// renews it every second for ``leaseSeconds``, and another node takes it once it lapses, so a
/// dead leader's duties move within ``leaseSeconds`` + 1 s. A node alone on its store (SQLite)
/// leads from the start.
///
/// A leader that finds the lease taken by another (it could not renew in time: cut off from the
/// database) stops at once (`onLoss`, the process exits), rather than analyse beside the new
/// leader; it comes back as a follower. While nobody can reach the database, nobody takes the
/// lease over, and the leader goes on when it comes back.
public final class Leadership: Service {
    public static let leaseName = "leader"
    public static let leaseSeconds = 5
    let store: (any SharedStore)?
    let onLoss: @Sendable () -> Void
    let logger: Logger
    private let leading = Atomic(false)
    /// Whether the last renewal failed (told once per outage).
    private let failing = Atomic(false)

    init(store: (any SharedStore)?, logger: Logger, onLoss: @escaping @Sendable () -> Void = { exit(75) }) {
        (self.store, self.logger, self.onLoss) = (store, logger, onLoss)
        if store == nil { leading.store(true, ordering: .relaxed) }
    }

    /// Whether this node leads now.
    public var isLeading: Bool { leading.load(ordering: .relaxed) }

    /// Returns once this node leads, or once the task is cancelled.
    func becomeLeader() async {
        while !isLeading && !Task.isCancelled { try? await Task.sleep(for: .milliseconds(100)) }
    }

    /// Takes the lead at once when nobody holds it (the first node to start), so that what the
    /// leader does at start (the broker's files) is done before the services run.
    public func claim() async {
        if let store { await renew(store) }
    }

    public func run() async throws {
        guard let store else { return try await gracefulShutdown() }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.renew(store)
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func renew(_ store: any SharedStore) async {
        do {
            let held = try await store.holdLease(Self.leaseName, seconds: Self.leaseSeconds)
            if held, !isLeading {
                logger.notice("this node leads: it analyses, notifies and keeps the broker's files", metadata: ["node": "\(store.node)"])
                leading.store(true, ordering: .relaxed)
            } else if !held, isLeading {
                logger.critical("another node took the lead while this one could not renew it: stopping", metadata: ["node": "\(store.node)"])
                onLoss()
            }
            if failing.exchange(false, ordering: .relaxed) { logger.notice("the lease can be renewed again") }
        } catch {
            if !failing.exchange(true, ordering: .relaxed) {
                logger.warning("the lead cannot be renewed; trying again every second", metadata: ["error": "\(error)"])
            }
        }
    }
}
