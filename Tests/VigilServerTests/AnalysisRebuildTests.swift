import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Rebuilding a patient's rule state from the store (after a restart) raises the alert of a
/// condition whose readings were committed but whose alert was not (a crash in between), in the
/// analysis's own turn: the board that asked for the state writes nothing.
@Suite struct AnalysisRebuildTests {
    @Test func aConditionStoredWithoutItsAlertIsRaisedInTheAnalysisTurnAfterARestart() async throws {
        let clock = TestClock()
        let first = try Harness(clock: clock)
        let world = try await first.run { client in try await World.build(client) }
        // NEWS2 7, committed behind the analysis's back: as if the server died before analysing it.
        let now = clock.now()
        let vitals: [(String, Double, String)] = [
            ("9279-1", 25, "/min"), ("59408-5", 94, "%"), ("8480-6", 105, "mm[Hg]"), ("8867-4", 115, "/min"), ("8310-5", 37, "Cel"),
        ]
        let readings = vitals.enumerated().map { seq, vital in
            Reading(
                key: ProducerKey(device: "d1", boot: "crash", seq: Int64(seq)), patient: "p1", code: vital.0, value: vital.1, unit: vital.2,
                time: now,
                received: now)
        }
        _ = try await first.runtime.store.apply([Change(.readings(IngestCommit(readings: readings)))], sealer: first.runtime.sealer)

        let second = try Harness(clock: clock) { $0.dataDirectory = first.runtime.configuration.dataDirectory }
        try await second.run { client in
            await second.settle()
            #expect(try await AlertRoutesTests.alerts(client, world["nina"], "?status=active").isEmpty)
            // The board rebuilds p1 from the store; the analysis raises the alert in its turn.
            #expect(try await client.get("/api/board", token: world["nina"]).status == .ok)
            await second.settle()
            let alerts = try await AlertRoutesTests.alerts(client, world["nina"], "?status=active")
            #expect(alerts.map { $0["kind"] } == ["news2"])
            #expect(alerts.first?["priority"] == "high")
        }
        withExtendedLifetime(first) {}
    }
}
