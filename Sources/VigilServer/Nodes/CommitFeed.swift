import Foundation
import Logging
public import ServiceLifecycle
import Synchronization
import VigilCore

/// Announces on this node what the other nodes on the same database committed (``SharedStore``),
/// through the writer's announcement (``ChangeWriter/announce(_:)``), so that its caches, its
/// alerts and its dashboards follow every node's writes: a WebSocket here sees an alert another
/// node raised.
///
/// Woken by the database when a node commits (LISTEN), and once a second whatever happens: it
/// reads every commit after the last one it announced, so a missed wake-up (the listening
/// connection lost, PostgreSQL restarted) costs at most a second, never a commit.
public final class CommitFeed: Service {
    let store: any SharedStore
    let writer: ChangeWriter
    let leadership: Leadership
    let logger: Logger
    private let wake = WakeSignal()
    /// The number of the last commit announced; nil until the first read.
    private let position = Mutex<Int64?>(nil)
    /// Whether the last read failed (told once per outage).
    private let failing = Atomic(false)
    /// Commits read at once.
    static let chunk = 64

    /// How long commits are kept for nodes to catch up (forgotten by the leader).
    static let retention: Int64 = 15 * 60_000
    private let forgotten = Mutex<ContinuousClock.Instant?>(nil)

    /// What a node does when it finds it missed commits no longer kept (the process exits, and
    /// systemd starts it again).
    let onGap: @Sendable () -> Void

    init(store: any SharedStore, writer: ChangeWriter, leadership: Leadership, logger: Logger, onGap: @escaping @Sendable () -> Void = { exit(75) }) {
        (self.store, self.writer, self.leadership, self.logger, self.onGap) = (store, writer, leadership, logger, onGap)
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.listen() }
            await wake.run(every: .seconds(1)) { await self.catchUp() }
            group.cancelAll()
        }
    }

    /// Listens for commits, again a second after the connection is lost.
    private func listen() async {
        while !Task.isCancelled {
            do {
                try await store.listenForCommits { [wake] in wake.wake() }
            } catch {
                report(error)
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Announces every commit after the last one announced. The first read starts from the newest:
    /// what was committed before this node started is in the store it reads from.
    func catchUp() async {
        do {
            guard var last = try await startingPoint() else { return }
            var commits: [NumberedCommit]
            repeat {
                commits = try await store.commits(after: last, limit: Self.chunk)
                if let first = commits.first?.number, first > last + 1, try await !store.keepsCommit(last) {
                    // Commits between may have been forgotten while this node could not read them
                    // (out of reach longer than they are kept): its caches cannot be trusted.
                    logger.critical("this node missed commits older than those kept: restarting to read the store afresh")
                    onGap()
                    return
                }
                for numbered in commits {
                    if !numbered.commit.isQuiet { await writer.announce(numbered.commit) }
                    last = numbered.number
                    position.withLock { $0 = last }
                }
            } while commits.count == Self.chunk
            try await forgetOldCommits()
            if failing.exchange(false, ordering: .relaxed) { logger.notice("other nodes' commits are read again") }
        } catch {
            report(error)
        }
    }

    /// The leader forgets commits older than ``retention``, once a minute.
    private func forgetOldCommits() async throws {
        let now = ContinuousClock.now
        guard leadership.isLeading, forgotten.withLock({ $0.map { now - $0 > .seconds(60) } ?? true }) else { return }
        try await store.forgetCommits(before: Int64(Date().timeIntervalSince1970 * 1000) - Self.retention)
        forgotten.withLock { $0 = now }
    }

    private func startingPoint() async throws -> Int64? {
        if let last = position.withLock({ $0 }) { return last }
        let newest = try await store.newestCommitNumber()
        position.withLock { $0 = $0 ?? newest }
        return nil
    }

    private func report(_ error: any Error) {
        guard !Task.isCancelled, !failing.exchange(true, ordering: .relaxed) else { return }
        logger.warning("other nodes' commits cannot be read; trying again every second", metadata: ["error": "\(error)"])
    }
}
