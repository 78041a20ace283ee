import Foundation
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// An install grown out of SQLite moves to PostgreSQL with `vigil migrate --copy-sqlite` and
/// goes on there: the same accounts, record, readings and alerts; the audit chain verifies with
/// the same key and anchor; a device resending what was stored is told it was.
@Suite(.timeLimit(.minutes(5)), .disabled(if: ServerProcess.onPostgres, "it moves a SQLite install"))
struct StoreMoveEndToEndTests {
    @Test func aSQLiteInstallMovesToPostgreSQLAndGoesOnThere() async throws {
        let server = try ServerProcess()
        try await server.start()
        let site = try await ClinicalEndToEndTests.site(server)
        let readings = ClinicalEndToEndTests.vitals(1, rr: 30, spo2: 88, sbp: 85, hr: 135)
        let first = try await server.request(.POST, "/api/ingest", token: site.devices["monitor-a"], json: readings)
        #expect(first.json?["accepted"] == 5, "\(first.text)")
        let nina = site["nina"]
        func state() async throws -> (observations: Int?, alerts: Int?) {
            let observations = try await server.request(.GET, "/fhir/Observation?patient=a1&_summary=count", token: nina).json?["total"]?.int64Value
            let alerts = try await server.request(.GET, "/api/alerts?patient=a1", token: nina).json?["alerts"]?.arrayValue?.count
            return (observations.map(Int.init), alerts)
        }
        var before: (observations: Int?, alerts: Int?) = (nil, nil)
        try await CommandEndToEndTests.until("the deterioration's alert is raised") {
            before = try await state()
            return (before.alerts ?? 0) > 0
        }
        #expect(server.stop() == 0)
        let verified = try await server.cli(["audit", "verify"])
        #expect(verified.status == 0, "\(verified.output)")

        let url = try await LocalPostgres.shared().createDatabase()
        let move = try await server.cli(["migrate", "--postgres", url, "--copy-sqlite"])
        #expect(move.status == 0 && move.output.contains("audit:") && move.output.contains("reading: 5"), "\(move.output)")
        let again = try await server.cli(["migrate", "--postgres", url, "--copy-sqlite"])
        #expect(again.status != 0 && again.output.contains("empty"), "a record is not copied over another: \(again.output)")
        let moved = try await server.cli(["audit", "verify", "--postgres", url])
        #expect(moved.status == 0 && moved.output == verified.output, "the same chain, verified by the same key and anchor: \(moved.output)")

        let onPostgres = try ServerProcess(dataDirectory: server.dataDirectory, arguments: ["--postgres", url])
        try await onPostgres.start()
        defer { onPostgres.stop() }
        let token = try await onPostgres.token("nina", "password-of-nina")
        let observations = try await onPostgres.request(.GET, "/fhir/Observation?patient=a1&_summary=count", token: token).json?["total"]?.int64Value
        #expect(observations.map(Int.init) == before.observations)
        let alerts = try await onPostgres.request(.GET, "/api/alerts?patient=a1", token: token).json?["alerts"]?.arrayValue?.count
        #expect(alerts == before.alerts)
        // The device's token still opens; what it sent before is a duplicate; what follows is stored.
        let resent: JSON = [
            "readings": .array(
                (readings["readings"]?.arrayValue ?? []) + [
                    [
                        "seq": 6, "time": .string(FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))), "code": "8867-4",
                        "value": 130, "unit": "/min",
                    ]
                ])
        ]
        let answer = try await onPostgres.request(.POST, "/api/ingest", token: site.devices["monitor-a"], json: resent)
        #expect(answer.json?["accepted"] == 1 && answer.json?["duplicates"] == 5, "\(answer.text)")
        #expect(onPostgres.stop() == 0)
        let after = try await onPostgres.cli(["audit", "verify", "--postgres", url])
        #expect(after.status == 0 && after.output.contains("intact"), "\(after.output)")
    }
}
