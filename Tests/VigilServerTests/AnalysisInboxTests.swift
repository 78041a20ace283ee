import Synchronization
import Testing
import VigilCore

@testable import VigilServer

@Suite struct AnalysisInboxTests {
    /// The patient an input names, to follow inputs through the inbox.
    private func name(_ input: AnalysisInput?) -> String? {
        guard case .patientChanged(let patient) = input else { return nil }
        return patient
    }

    /// Waits until `count` senders are parked (no timing: the inbox says so).
    private func waitForSenders(_ inbox: AnalysisInbox, _ count: Int) async {
        while inbox.waitingSenders < count { await Task.yield() }
    }

    @Test func inputsComeOutInTheOrderTheyWereSent() async {
        let inbox = AnalysisInbox(capacity: 100)
        for patient in ["a", "b", "c"] { #expect(await inbox.send(.patientChanged(patient), weight: 10)) }
        #expect(name(await inbox.next()) == "a")
        #expect(name(await inbox.next()) == "b")
        #expect(name(await inbox.next()) == "c")
    }

    @Test func aSenderWaitsWhileTheInboxIsFullAndResumesWhenTheConsumerTakes() async {
        let inbox = AnalysisInbox(capacity: 10)
        #expect(await inbox.send(.patientChanged("a"), weight: 6))
        let delivered = Mutex(false)
        let sender = Task {
            let accepted = await inbox.send(.patientChanged("b"), weight: 6)
            delivered.withLock { $0 = true }
            return accepted
        }
        await waitForSenders(inbox, 1)
        #expect(!delivered.withLock { $0 })
        #expect(name(await inbox.next()) == "a")
        #expect(await sender.value)
        #expect(inbox.waitingSenders == 0)
        #expect(name(await inbox.next()) == "b")
    }

    /// A commit of `count` readings from `device`, with `refused` more refused.
    private func commit(_ device: String, _ count: Int, refused: Int = 0, received: Int64) -> AnalysisInput {
        let readings = (0..<count).map { seq in
            StoredReading(
                id: received * 100 + Int64(seq),
                reading: Reading(
                    key: ProducerKey(device: device, boot: "b", seq: Int64(seq)), patient: "p-\(device)", code: "8867-4", value: 70, unit: "/min",
                    time: received, received: received))
        }
        return .committed(readings: readings, refused: refused > 0 ? [device: refused] : [:], clockAhead: [:], received: received)
    }

    /// Commits waiting one behind the other are analysed together (one pass of the rules, one
    /// store of what they derive), up to the inbox's merge limit; other inputs keep their place.
    @Test func consecutiveCommitsAreTakenTogetherUpToTheMergeLimit() async throws {
        let inbox = AnalysisInbox(capacity: 1_000, mergeLimit: 5)
        inbox.post(commit("d1", 2, refused: 1, received: 1), weight: 2)
        inbox.post(commit("d2", 1, received: 2), weight: 1)
        inbox.post(commit("d1", 1, refused: 2, received: 3), weight: 1)
        inbox.post(commit("d3", 2, received: 4), weight: 2)
        inbox.post(.tick)
        inbox.post(commit("d4", 1, received: 5), weight: 1)
        guard case .committed(let readings, let refused, _, let received) = await inbox.next() else { Issue.record("not a commit"); return }
        #expect(readings.map(\.reading.key.device) == ["d1", "d1", "d2", "d1"])
        #expect(refused == ["d1": 3])
        #expect(received == 3)
        #expect(inbox.weight == 4)
        guard case .committed(let next, _, _, _) = await inbox.next() else { Issue.record("not a commit"); return }
        #expect(next.map(\.reading.key.device) == ["d3", "d3"])
        guard case .tick = await inbox.next() else { Issue.record("the tick lost its place"); return }
        guard case .committed(let last, _, _, _) = await inbox.next() else { Issue.record("not a commit"); return }
        #expect(last.map(\.reading.key.device) == ["d4"])
    }

    @Test func anInputHeavierThanTheCapacityPassesAnEmptyInbox() async {
        let inbox = AnalysisInbox(capacity: 10)
        #expect(await inbox.send(.patientChanged("big"), weight: 50))
        #expect(name(await inbox.next()) == "big")
    }

    @Test func waitingSendersKeepTheirOrder() async {
        let inbox = AnalysisInbox(capacity: 1)
        #expect(await inbox.send(.patientChanged("a")))
        let b = Task { await inbox.send(.patientChanged("b")) }
        await waitForSenders(inbox, 1)
        let c = Task { await inbox.send(.patientChanged("c")) }
        await waitForSenders(inbox, 2)
        #expect(name(await inbox.next()) == "a")
        #expect(name(await inbox.next()) == "b")
        #expect(name(await inbox.next()) == "c")
        #expect(await b.value)
        #expect(await c.value)
    }

    @Test func aWaitingConsumerIsHandedTheNextInput() async {
        let inbox = AnalysisInbox(capacity: 10)
        let consumer = Task { await inbox.next() }
        while !inbox.consumerWaits { await Task.yield() }
        #expect(await inbox.send(.patientChanged("a")))
        #expect(name(await consumer.value) == "a")
    }

    @Test func finishDrainsWhatIsQueuedThenEndsAndRefusesMore() async {
        let inbox = AnalysisInbox(capacity: 10)
        #expect(await inbox.send(.patientChanged("a")))
        inbox.finish()
        #expect(!(await inbox.send(.patientChanged("late"))))
        #expect(name(await inbox.next()) == "a")
        #expect(await inbox.next() == nil)
    }

    @Test func finishWakesAConsumerWaitingOnAnEmptyInbox() async {
        let inbox = AnalysisInbox(capacity: 10)
        let consumer = Task { await inbox.next() }
        while !inbox.consumerWaits { await Task.yield() }
        inbox.finish()
        #expect(await consumer.value == nil)
    }

    /// The service group cancels the analysis when another service fails (the HTTP port is in
    /// use): a consumer waiting on an empty inbox must end, or the server hangs and ignores SIGTERM.
    @Test func cancellingAWaitingConsumerEndsIt() async {
        let inbox = AnalysisInbox(capacity: 10)
        let consumer = Task { await inbox.next() }
        while !inbox.consumerWaits { await Task.yield() }
        consumer.cancel()
        #expect(await consumer.value == nil)
        #expect(await inbox.send(.patientChanged("late")) == false)
    }

    @Test func aConsumerCancelledBeforeItWaitsEndsAtOnce() async {
        let inbox = AnalysisInbox(capacity: 10)
        let consumer = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await inbox.next()
        }
        #expect(await consumer.value == nil)
    }
}
