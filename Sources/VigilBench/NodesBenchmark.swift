import Foundation
import NIOHTTP1
import VigilCore
import VigilSimulator

/// `vigil bench nodes`: two `vigil serve` nodes on one PostgreSQL.
///
/// 1. Propagation: one reading at a time is sent to the first node; the time from its answer
///    (committed) to the readings event on a nurse's WebSocket on the second node is measured.
///    It includes the commit's record, PostgreSQL's NOTIFY, the second node reading the commit and
///    its readings back, and the WebSocket.
/// 2. Takeover: the first node (it leads: it started first) is killed (-9), and at once a systolic
///    pressure below 90 mmHg is sent to the second; the time from the kill to the alert on the
///    nurse's WebSocket is measured: the lease lapsing, the second node taking the lead, starting
///    its analysis and catching up, and the alert.
public struct NodesBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        /// The database both nodes use (an empty one).
        public var postgres = ""
        /// Readings sent one at a time for the propagation.
        public var samples = 1000
        public init() {}
    }

    public struct Report: Sendable {
        var propagation = LatencyFigures()
        var timeouts = 0
        /// From the kill to the alert raised by the surviving node; nil when none came within a minute.
        var takeover: Double?

        public var text: String {
            [
                "Vigil two-node benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, one PostgreSQL",
                "  propagation: reading committed on node 1 → readings event on node 2's WebSocket: \(propagation.line) (\(propagation.count) samples, \(timeouts) timeouts)",
                "  takeover:    node 1 (leading) killed -9 → alert raised by node 2 on its WebSocket: "
                    + (takeover.map { String(format: "%.2f s", $0 / 1000) } ?? "none within 60 s"),
            ].joined(separator: "\n")
        }
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        var target = options.target
        target.serveEnvironment["VIGIL_POSTGRES"] = options.postgres
        let first = try await BenchServer.start(target, log: log)
        defer { first.stop() }
        var follower = target
        follower.adminPassword = first.adminPassword
        let second = try await BenchServer.start(follower, keysFrom: first.dataDirectory, log: log)
        defer { second.stop() }
        let ward = try await BenchFleet.create(on: first, devices: 1, prefix: "ward", log: log)
        let nurse = try await BenchWard.create(on: first, admin: ward.adminToken, patients: ward.patientIDs)
        let stream = StreamClient.connect(url: second.webSocketURL + "/api/stream", first: StreamClient.authMessage(token: nurse))
        defer { Task { await stream.close() } }
        guard await stream.next(where: { $0["type"] == "ready" }) != nil else { throw VigilError(.unavailable, "the stream did not open") }
        let patient = "Patient/\(ward.patientIDs[0])"
        func reading(_ seq: Int, systolic: Double) -> [UInt8] {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let reading: JSON = [
                "seq": .integer(seq), "time": .string(FHIRDateTime.instant(milliseconds: now)), "code": "8480-6", "value": .double(systolic),
                "unit": "mm[Hg]",
            ]
            return JSON.object(["readings": [reading]]).serialized()
        }

        var report = Report()
        log("sending \(options.samples) readings one at a time to node 1, timing their event on node 2's WebSocket…")
        for seq in 1...options.samples {
            let mark = stream.messages.count
            let reply = try await first.request(.POST, "/api/ingest", token: ward.deviceTokens[0], body: reading(seq, systolic: 120))
            let stored = Date().timeIntervalSince1970 * 1000
            guard reply.status == .ok else { throw VigilError(.internal, "the reading was refused: \(reply.status) \(reply.text)") }
            let event = await stream.next(after: mark, timeout: .seconds(5)) { $0["type"] == "readings" && $0["patient"]?.stringValue == patient }
            if let event { report.propagation.record(milliseconds: event.received - stored) } else { report.timeouts += 1 }
        }

        log("killing node 1 (it leads) and sending a systolic pressure of 85 mmHg to node 2…")
        let mark = stream.messages.count
        first.kill()
        let killed = Date().timeIntervalSince1970 * 1000
        while try await second.request(.POST, "/api/ingest", token: ward.deviceTokens[0], body: reading(options.samples + 1, systolic: 85)).status
            != .ok
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        let alert = await stream.next(after: mark, timeout: .seconds(60)) {
            $0["type"] == "alert" && $0["patient"]?.stringValue == patient && $0["data"]?["transition"] == "raised"
        }
        report.takeover = alert.map { $0.received - killed }
        return report
    }
}
