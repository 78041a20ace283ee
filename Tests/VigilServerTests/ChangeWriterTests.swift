import HTTPTypes
import Logging
import Testing
import VigilCore

@testable import VigilServer

@Suite struct ChangeQueueStateTests {
    @Test func queuesUpToCapacityAndWakesAWaitingWriter() {
        var state = ChangeQueueState<String>(capacity: 10)
        guard case .wait = state.take(maxWeight: 100) else { Issue.record("expected wait"); return }
        guard case .queued(resumeWriter: true) = state.enqueue("a", weight: 6) else { Issue.record("expected a wake-up"); return }
        guard case .queued(resumeWriter: false) = state.enqueue("b", weight: 4) else { Issue.record("expected queued"); return }
        guard case .full = state.enqueue("c", weight: 1) else { Issue.record("expected full"); return }
        #expect(state.weight == 10)
    }

    @Test func anOversizedItemIsAcceptedIntoAnEmptyQueue() {
        var state = ChangeQueueState<String>(capacity: 10)
        guard case .queued = state.enqueue("big", weight: 50) else { Issue.record("refused"); return }
    }

    @Test func batchesTakeWholeItemsUpToTheLimitAndAtLeastOne() {
        var state = ChangeQueueState<String>(capacity: 100)
        for (name, weight) in [("a", 30), ("b", 30), ("c", 30)] { _ = state.enqueue(name, weight: weight) }
        guard case .write(let first) = state.take(maxWeight: 60) else { Issue.record("no batch"); return }
        #expect(first == ["a", "b"])
        guard case .write(let second) = state.take(maxWeight: 10) else { Issue.record("no batch"); return }
        #expect(second == ["c"])
        #expect(state.weight == 0)
    }

    @Test func closingRefusesNewItemsButDrainsQueuedOnes() {
        var state = ChangeQueueState<String>(capacity: 100)
        _ = state.enqueue("a", weight: 1)
        #expect(state.close() == false)
        guard case .closed = state.enqueue("b", weight: 1) else { Issue.record("accepted after close"); return }
        guard case .write(["a"]) = state.take(maxWeight: 10) else { Issue.record("did not drain"); return }
        guard case .stop = state.take(maxWeight: 10) else { Issue.record("did not stop"); return }
    }

    @Test func closingWakesAWaitingWriter() {
        var state = ChangeQueueState<String>(capacity: 100)
        _ = state.take(maxWeight: 10)
        #expect(state.close() == true)
    }
}

@Suite struct ChangeWriterTests {
    func writer(_ store: GatedStore, capacity: Int) -> ChangeWriter {
        ChangeWriter(
            store: store, sealer: HMACAuditSealer(key: Array(repeating: 1, count: 32)), anchor: nil, capacity: capacity,
            maxCommitRows: 1000, metrics: .shared, logger: Logger(label: "test"))
    }

    /// A change in the readings lane holding only `n` audit events.
    static func events(_ n: Int) -> Change {
        Change(.readings(IngestCommit()), audit: (0..<n).map { AuditEvent(time: Int64($0), actor: "a", role: "r", action: .read, resource: "x") })
    }

    @Test func aFullQueueAnswers503AtOnceAndAcceptedWorkIsStillCommitted() async throws {
        let store = try GatedStore()
        let writer = writer(store, capacity: 10)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await writer.run() }
            while !writer.isRunning { await Task.yield() }
            group.addTask { _ = try await writer.submit(Self.events(5)) }
            while store.commitsStarted == 0 { await Task.yield() }
            group.addTask { _ = try await writer.submit(Self.events(5)) }
            while writer.depth < 5 { await Task.yield() }
            let error = await #expect(throws: VigilError.self) { try await writer.submit(Self.events(8)) }
            #expect(error?.code == .unavailable && error?.retryAfter == 1)
            store.open()
            while writer.depth > 0 || store.commitsStarted < 2 { await Task.yield() }
            writer.close()
            try await group.waitForAll()
        }
        #expect(try await store.auditHead()?.seq == 10)
    }

    @Test func afterCloseItRefusesButFinishesWhatItAccepted() async throws {
        let store = try GatedStore()
        let writer = writer(store, capacity: 100)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await writer.run() }
            while !writer.isRunning { await Task.yield() }
            group.addTask { _ = try await writer.submit(Self.events(3)) }
            while store.commitsStarted == 0 { await Task.yield() }
            writer.close()
            let error = await #expect(throws: VigilError.self) { try await writer.submit(Self.events(1)) }
            #expect(error?.code == .unavailable)
            store.open()
            try await group.waitForAll()
        }
        #expect(try await store.auditHead()?.seq == 3)
    }
}
