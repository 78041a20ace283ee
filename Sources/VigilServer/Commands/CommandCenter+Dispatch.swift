import Logging
public import ServiceLifecycle
import Synchronization
import VigilClinical
public import VigilCore

/// Sending: every command due (to send, send again, expire or fail) is moved on by its lifecycle,
/// stored, and only then published, woken by each commit that writes commands or raises alerts,
/// and every second. A crash between storing and publishing sends it again when it is next due;
/// the device executes each id once. Proposals for the alerts a commit raised are written first
/// (never from within the commit's announcement, which the writer waits on); at start, for every
/// open alert, so that a crash between an alert and its proposal loses nothing.
extension CommandCenter: Service, CommitSubscriber {
    public func run() async throws {
        sending.store(true, ordering: .relaxed)
        do {
            let open = try await store.openAlerts().filter { proposalKinds.contains($0.kind) }
            raised.withLock { $0 = open + $0 }
        } catch {
            logger.error("open alerts could not be read for command proposals", metadata: ["error": "\(error)"])
        }
        await wake.run(every: .seconds(1)) { await self.dispatchDue() }
    }

    public func committed(_ commit: Committed) async {
        guard sending.load(ordering: .relaxed) else { return }
        let raised = commit.notices.compactMap { notice -> Alert? in
            guard case .alert(let step) = notice, step.transition == .raised || step.transition == .upgraded,
                proposalKinds.contains(step.alert.kind)
            else { return nil }
            return step.alert
        }
        if !raised.isEmpty { self.raised.withLock { $0 += raised } }
        if !raised.isEmpty || commit.commands.contains(where: { !$0.state.isFinal }) { wake.wake() }
    }

    /// Proposes the commands of the alerts raised since the last pass, then moves on every
    /// command due now; returns how many were sent.
    @discardableResult
    func dispatchDue() async -> Int {
        await passes.withLock {
            await propose(
                for: raised.withLock { raised in
                    defer { raised = [] }
                    return raised
                })
            return await pass()
        }
    }

    private func pass() async -> Int {
        var sent = 0
        do {
            let now = clock.now()
            for command in try await store.dueCommands(at: now, limit: 256) {
                var next = command
                let send = next.tick(at: now, canSend: publisher.isConnected, policy: policy)
                guard next != command else { continue }
                let stored: DeviceCommand
                do {
                    stored = try await save(
                        next, newSteps: next.history.count - command.history.count, by: "vigil", role: "system", action: .execute, client: nil)
                } catch let error as VigilError where error.code == .conflict {
                    continue
                }
                guard send else { continue }
                do {
                    try publisher.publish(stored.message, device: stored.device, channel: .commands)
                    sent += 1
                } catch {
                    logger.warning("a command could not be published; it is sent again when due", metadata: ["command": "\(stored.id)"])
                }
            }
        } catch {
            logger.error("sending device commands failed", metadata: ["error": "\(error)"])
        }
        return sent
    }
}
