import Foundation
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// The outbox on a running `vigil serve` (docs/notifications.md): a notification written with its
/// alert survives `kill -9` and reaches the receiver once.
@Suite(.serialized, .timeLimit(.minutes(3))) struct OutboxEndToEndTests {
    /// The receiver holds the first delivery without answering, so that the server dies between
    /// the alert's commit and the end of its delivery. After the restart the message is delivered
    /// again with the same event id: the receiver, having processed it when it let go, drops it.
    @Test func aKillBetweenTheAlertCommitAndItsDeliveryDeliversItOnce() async throws {
        let receiver = try LocalWebhookReceiver()
        let server = try ServerProcess(arguments: ["--webhook-allow", "127.0.0.1/32", "--webhook-ca", receiver.certificate])
        try await server.start()
        defer { server.stop() }
        let site = try await ClinicalEndToEndTests.site(server)
        let hook = try await server.request(.POST, "/api/webhooks", token: site.admin, json: ["url": .string(receiver.url)])
        #expect(hook.status == .created, "\(hook.text)")
        try receiver.keep(secret: try #require(hook.json?["secret"]?.stringValue))
        receiver.hanging(true)
        let monitor = site.devices["monitor-a"]!
        try await ClinicalEndToEndTests.ingest(server, monitor, ClinicalEndToEndTests.vitals(1, rr: 25, spo2: 94, sbp: 105, hr: 115))
        // The delivery has begun: the alert and its message are committed.
        var held = false
        for _ in 0..<400 where !held {
            held = FileManager.default.fileExists(atPath: receiver.heldMarker)
            if !held { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(held, "the receiver holds a delivery")
        #expect(server.stop(SIGKILL) == 137)
        receiver.hanging(false)
        try await server.start()
        let admin = try await server.token()
        let alerts = try await server.request(.GET, "/api/alerts?patient=a1", token: admin).json?["alerts"]?.arrayValue ?? []
        let id = try #require(alerts.first?["id"]?.int64Value)
        var history: [JSON] = []
        for _ in 0..<200 {
            history = try await server.request(.GET, "/api/alerts/\(id)", token: admin).json?["history"]?.arrayValue ?? []
            if history.contains(where: { $0["kind"] == "delivered" }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let delivered = try #require(history.first { $0["kind"] == "delivered" }?["detail"]?.stringValue, "\(history)")
        let accepted = receiver.requests.filter { $0.status == 200 && $0.alert == id }
        let eventIDs = Set(accepted.map(\.event))
        #expect(eventIDs.count == 1 && delivered.contains(eventIDs.first ?? "-"), "one event, the one the history names: \(accepted)")
        #expect(accepted.filter { !$0.duplicate }.count == 1, "processed once: \(accepted)")
        #expect(accepted.count == 2 && accepted.last?.duplicate == true, "the held delivery, then the one after the restart: \(accepted)")
        #expect(accepted.allSatisfy { $0.valid })
    }
}
