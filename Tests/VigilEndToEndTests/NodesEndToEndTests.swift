import AsyncHTTPClient
import Foundation
import MQTT
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// Several `vigil serve` nodes on one PostgreSQL database (issue 20): what one node commits reaches
/// the others' caches and dashboards, one node analyses and the others take over when it dies,
/// and access rules and throttling are the same on every node.
@Suite(.timeLimit(.minutes(5)), .disabled(if: ServerProcess.onPostgres, "it runs its nodes on PostgreSQL in the first pass already"))
struct NodesEndToEndTests {
    /// Two nodes on one new database, sharing the first one's keys (as a deployment copies them);
    /// the first reaches the database at `firstURL(url)`, the second at `secondURL(url)`.
    static func nodes(
        arguments: [String] = [], firstURL: (String) -> String = { $0 }, secondURL: (String) -> String = { $0 }
    ) async throws -> (ServerProcess, ServerProcess) {
        let url = try await LocalPostgres.shared().createDatabase()
        let first = try ServerProcess(arguments: ["--postgres", firstURL(url)] + arguments)
        try await first.start()
        let second = try ServerProcess(arguments: ["--postgres", secondURL(url)] + arguments)
        let keys = second.dataDirectory + "/keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for file in try FileManager.default.contentsOfDirectory(atPath: first.dataDirectory + "/keys") {
            try FileManager.default.copyItem(atPath: first.dataDirectory + "/keys/" + file, toPath: keys + "/" + file)
        }
        try await second.start()
        return (first, second)
    }

    /// Readings ingested on the second node are analysed by the first (it leads: it started
    /// first); the alert reaches WebSockets on both, both boards agree, and a nurse acknowledges
    /// it on the second node.
    @Test func anAlertRaisedOnOneNodeReachesTheOthersStreamsAndBoards() async throws {
        let (a, b) = try await Self.nodes()
        defer { _ = (a.stop(), b.stop()) }
        let site = try await ClinicalEndToEndTests.site(a)
        let onA = try await a.stream(token: site["nina"])
        let onB = try await b.stream(token: site["nina"])
        let monitor = site.devices["monitor-a"]!
        try await ClinicalEndToEndTests.ingest(b, monitor, ClinicalEndToEndTests.vitals(1, rr: 16, spo2: 97, sbp: 120, hr: 72, secondsAgo: 720))
        try await ClinicalEndToEndTests.ingest(b, monitor, ClinicalEndToEndTests.vitals(10, rr: 21, spo2: 96, sbp: 115, hr: 95, secondsAgo: 360))
        try await ClinicalEndToEndTests.ingest(b, monitor, ClinicalEndToEndTests.vitals(20, rr: 25, spo2: 94, sbp: 105, hr: 115))
        let raised = { (json: JSON) in json["data"]?["transition"] == "raised" && json["data"]?["alert"]?["kind"] == "news2" }
        let seenOnB = try #require(
            await onB.next(where: ClinicalEndToEndTests.about("a1", "alert", raised)), "\(onB.messages.map(\.json.text))\n\(b.output)")
        #expect(await onA.next(where: ClinicalEndToEndTests.about("a1", "alert", raised)) != nil)
        let id = try #require(seenOnB.json["data"]?["alert"]?["id"]?.int64Value)
        for node in [a, b] {
            let board = try await node.request(.GET, "/api/board", token: site["nina"])
            let row = board.json?["patients"]?.arrayValue?.first { $0["patient"] == "Patient/a1" }
            #expect(row?["alerts"]?["items"]?.arrayValue?.contains { $0["id"]?.int64Value == id } == true, "\(board.text)")
            #expect(row?["score"]?["total"] == 7, "\(board.text)")
        }
        let ack = try await b.request(.POST, "/api/alerts/\(id)/ack", token: site["nina"])
        #expect(ack.status == .ok, "\(ack.text)")
        try await CommandEndToEndTests.until("the first node's dashboards hear of the acknowledgement") {
            onA.messages.contains { ClinicalEndToEndTests.about("a1", "alert") { $0["data"]?["transition"] == "acknowledged" }($0.json) }
        }
        let stored = try await a.request(.GET, "/api/alerts/\(id)", token: site["nina"])
        #expect(stored.json?["status"] == "acknowledged", "\(stored.text)")
        // One alert for the condition, raised once, whichever node took the readings.
        let alerts = try await a.request(.GET, "/api/alerts?patient=a1&kind=news2", token: site["nina"]).json?["alerts"]?.arrayValue ?? []
        #expect(alerts.count == 1)
        for stream in [onA, onB] { await stream.close() }
    }

    /// Five wrong passwords for one name from one address on one node: the sixth try, on the
    /// other node and with the right password, waits like it would on the first.
    @Test func aSignInThrottledOnOneNodeIsThrottledOnTheOther() async throws {
        let (a, b) = try await Self.nodes()
        defer { _ = (a.stop(), b.stop()) }
        let admin = try await a.token()
        try await a.put("Practitioner", "n1", ["name": [["family": "n1"]]], token: admin)
        let created = try await a.request(
            .POST, "/api/users", token: admin,
            json: ["username": "nina", "password": "password-of-nina", "role": "nurse", "fhirUser": "Practitioner/n1"])
        #expect(created.status == .created, "\(created.text)")
        for _ in 0..<5 {
            let reply = try await a.request(.POST, "/auth/token", json: ["username": "nina", "password": "not-her-password"])
            #expect(reply.status == .unauthorized)
        }
        // Every node reads the others' commits at least once a second.
        try await Task.sleep(for: .seconds(2))
        let throttled = try await b.request(.POST, "/auth/token", json: ["username": "nina", "password": "password-of-nina"])
        #expect(throttled.status == .tooManyRequests, "\(throttled.text)")
        #expect(throttled.headers.first(name: "Retry-After") != nil)
        // Someone else's name from the same address is not held back by nina's.
        let other = try await b.request(.POST, "/auth/token", json: ["username": "admin", "password": .string(ServerProcess.adminPassword)])
        #expect(other.status == .ok, "\(other.text)")
    }

    /// Access follows every node's writes: a care team changed on one node opens and closes
    /// patients to a nurse on the other at once (its scope cache forgets), and a device
    /// credential revoked on one node is refused on the other.
    @Test func accessChangedOnOneNodeHoldsOnTheOther() async throws {
        let (a, b) = try await Self.nodes()
        defer { _ = (a.stop(), b.stop()) }
        let site = try await ClinicalEndToEndTests.site(a)
        func status(_ path: String) async throws -> UInt { try await b.request(.GET, path, token: site["nina"]).status.code }
        #expect(try await status("/fhir/Patient/a1") == 200)
        #expect(try await status("/fhir/Patient/b1") == 404)
        // Nina moves from ward A's team to ward B's, on the first node.
        for (id, ward, members) in [("tA", "wardA", ["doc1"]), ("tB", "wardB", ["n2", "n1"])] {
            let team: JSON = [
                "resourceType": "CareTeam", "id": .string(id), "status": "active", "subject": ["reference": .string("Group/\(ward)")],
                "participant": .array(members.map { ["member": ["reference": .string("Practitioner/\($0)")]] }),
            ]
            let reply = try await a.request(.PUT, "/fhir/CareTeam/\(id)", token: site.admin, json: team)
            #expect(reply.status == .ok, "\(reply.text)")
        }
        try await CommandEndToEndTests.until("the second node closes ward A to her and opens ward B") {
            let (closed, opened) = (try await status("/fhir/Patient/a1"), try await status("/fhir/Patient/b1"))
            return closed == 404 && opened == 200
        }
        // A monitor's credential revoked on the first node no longer opens on the second.
        let monitor = site.devices["monitor-b"]!
        try await ClinicalEndToEndTests.ingest(b, monitor, ClinicalEndToEndTests.vitals(1, rr: 16, spo2: 97, sbp: 120, hr: 72))
        #expect(try await a.request(.DELETE, "/api/devices/monitor-b/credentials", token: site.admin).status.code < 300)
        try await CommandEndToEndTests.until("the second node refuses the revoked credential") {
            let reply = try await b.request(
                .POST, "/api/ingest", token: monitor, json: ClinicalEndToEndTests.vitals(2, rr: 16, spo2: 97, sbp: 120, hr: 72))
            return reply.status == .unauthorized
        }
    }

    /// The leading node is killed (-9) between two sets of vital signs: the other takes the lead
    /// within the lease's time, analyses the set that comes to it, and raises the alert once;
    /// an alert the dead node raised before is not raised again, and every reading either node
    /// acknowledged is stored once.
    @Test func whenTheLeadingNodeIsKilledTheOtherTakesOverWithoutLosingOrRepeatingAlerts() async throws {
        let (a, b) = try await Self.nodes()
        defer { _ = (a.stop(), b.stop()) }
        let site = try await ClinicalEndToEndTests.site(a)
        let onB = try await b.stream(token: site["nina"])
        let (monitorA, monitorK) = (site.devices["monitor-a"]!, site.devices["monitor-k"]!)
        let raised = { (kind: String) in
            { (json: JSON) in json["data"]?["transition"] == "raised" && json["data"]?["alert"]?["kind"]?.stringValue == kind }
        }
        // k6 (a child) gets a high PEWS alert from the first node before it dies.
        try await ClinicalEndToEndTests.ingest(a, monitorK, ClinicalEndToEndTests.vitals(1, rr: 45, spo2: 88, sbp: 70, hr: 170, temp: 39.5))
        #expect(await onB.next(timeout: .seconds(30), where: ClinicalEndToEndTests.about("k6", "alert")) != nil, "\(a.output)")
        try await ClinicalEndToEndTests.ingest(a, monitorA, ClinicalEndToEndTests.vitals(1, rr: 16, spo2: 97, sbp: 120, hr: 72, secondsAgo: 720))
        try await ClinicalEndToEndTests.ingest(a, monitorA, ClinicalEndToEndTests.vitals(10, rr: 21, spo2: 96, sbp: 115, hr: 95, secondsAgo: 360))
        _ = a.stop(SIGKILL)
        try await ClinicalEndToEndTests.ingest(b, monitorA, ClinicalEndToEndTests.vitals(20, rr: 25, spo2: 94, sbp: 105, hr: 115))
        let alert = await onB.next(timeout: .seconds(30), where: ClinicalEndToEndTests.about("a1", "alert", raised("news2")))
        #expect(alert != nil, "\(onB.messages.map(\.json.text))\n\(b.output)")
        // k6's keeps being the one alert; the survivor's replay took it over instead of raising it again.
        try await ClinicalEndToEndTests.ingest(b, monitorK, ClinicalEndToEndTests.vitals(2, rr: 46, spo2: 88, sbp: 70, hr: 171, temp: 39.5))
        let child = try await b.request(.GET, "/api/alerts?patient=k6", token: site["nina"]).json?["alerts"]?.arrayValue ?? []
        #expect(child.count == 1, "\(child)")
        let adult = try await b.request(.GET, "/api/alerts?patient=a1&kind=news2", token: site["nina"]).json?["alerts"]?.arrayValue ?? []
        #expect(adult.count == 1, "\(adult)")
        let vitals = "9279-1,59408-5,8480-6,8867-4,8310-5"
        let stored = try await b.request(.GET, "/fhir/Observation?patient=a1&code=\(vitals)&_summary=count", token: site["nina"]).json?["total"]
        #expect(stored == 15, "three sets of five vital signs, each stored once")
        await onB.close()
    }

    /// Two nodes behind HAProxy and Mosquitto's shared subscription, a device sending over HTTP
    /// (through HAProxy) and one over MQTT, each resending what no answer acknowledged: one node is
    /// killed (-9) mid-load. Every reading acknowledged is stored exactly once, and a WebSocket on
    /// the surviving node resumes from its last event id.
    @Test func twoNodesBehindHAProxyLoseNothingAcknowledgedWhenOneIsKilledMidLoad() async throws {
        let port = try Loopback.freePort()
        let brokerFiles = FileManager.default.temporaryDirectory.appendingPathComponent("broker-\(UUID().uuidString)").path
        let (a, b) = try await Self.nodes(arguments: ["--mqtt", "mqtt://127.0.0.1:\(port)", "--broker-config", brokerFiles])
        defer { _ = (a.stop(), b.stop()) }
        let broker = Mosquitto(configurationFile: brokerFiles + "/mosquitto.conf", port: port, removingItsDirectory: true)
        try await broker.start()
        defer { broker.stop() }
        let proxy = try LocalHAProxy()
        let haproxy = try await proxy.start(nodes: [a.port, b.port])
        defer {
            _ = haproxy.stop()
            proxy.remove()
        }
        let admin = try await a.token()
        var tokens: [String: String] = [:]
        for (patient, device) in [("p1", "h1"), ("p2", "ox2")] {
            try await a.put("Patient", patient, [:], token: admin)
            try await a.put("Device", device, ["patient": ["reference": .string("Patient/\(patient)")]], token: admin)
            tokens[device] = try #require(try await a.request(.POST, "/api/devices/\(device)/credentials", token: admin).json?["token"]?.stringValue)
        }
        for node in [a, b] { try await MQTTEndToEndTests.waitUntilConnected(node) }
        let stream = try await b.stream(token: admin)

        let viaProxy = JSONClient(baseURL: "http://127.0.0.1:\(proxy.port)", client: .shared)
        let overMQTT = DeviceSimulator(broker: port, device: "ox2", token: tokens["ox2"]!)
        let batches = 60
        let perBatch = 10
        let acknowledged = Mutex<Set<Int>>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await overMQTT.client.run { publish in overMQTT.received(publish) } }
            for batch in 0..<batches {
                overMQTT.send(first: batch * perBatch + 1, count: perBatch)
                // Over HTTP, a batch is sent again until it is answered 200.
                let seqs = Array((batch * perBatch + 1)...(batch * perBatch + perBatch))
                let body = MQTTEndToEndTests.batch(seqs.first!...seqs.last!)
                while true {
                    let reply = try? await viaProxy.request(.POST, "/api/ingest", token: tokens["h1"], body: Array(body.utf8), timeout: .seconds(10))
                    if reply?.status == .ok {
                        acknowledged.withLock { $0.formUnion(seqs) }
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await Task.sleep(for: .milliseconds(50))
                if batch == 20 { #expect(a.stop(SIGKILL) != 0) }
            }
            let deadline = ContinuousClock.now + .seconds(90)
            while overMQTT.unacknowledged.count > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .seconds(2))
                overMQTT.resendUnacknowledged()
            }
            group.cancelAll()
        }
        #expect(overMQTT.unacknowledged.isEmpty, "never acknowledged: \(overMQTT.unacknowledged.sorted().prefix(20))")
        #expect(acknowledged.withLock { $0.count } == batches * perBatch)
        // Every reading acknowledged is stored, and once, whichever node took it.
        for patient in ["p1", "p2"] {
            let stored = try await b.request(.GET, "/fhir/Observation?patient=\(patient)&_summary=count", token: admin).json?["total"]
            #expect(stored?.int64Value == Int64(batches * perBatch), "Patient/\(patient): \(stored?.text ?? "nothing")")
        }
        // The WebSocket on the survivor saw readings before and after the kill, and a new one
        // resuming from the last event id it saw gets what came after, not a reset.
        let seen = stream.messages.compactMap { $0.json["id"]?.int64Value }
        let last = try #require(seen.dropLast(3).last, "\(stream.messages.count) events")
        await stream.close()
        let resumed = try await b.stream(token: admin, lastEventID: last)
        #expect(resumed.messages.first?.json["type"] != "reset", "\(resumed.messages.first?.json.text ?? "")")
        let replayed = await resumed.next(where: { $0["id"]?.int64Value ?? 0 > last })
        #expect(replayed != nil)
        await resumed.close()
    }

    /// A network partition between a node and PostgreSQL: the node reaches the database through a
    /// TCP link that the test cuts. Cut off, the leading node stops acknowledging and reports not
    /// ready, the other takes the lead and raises what comes to it; when the link comes back the
    /// old leader finds the lead taken and stops (exit 75) rather than analyse beside it. Started
    /// again, it follows; cut off and reconnected, it recovers by itself. Nothing acknowledged is
    /// lost.
    @Test func aNodeCutOffFromPostgreSQLStopsAcknowledgingGivesUpTheLeadAndRecoversByItself() async throws {
        let link = try await DatabaseLink()
        let (cut, direct) = try await Self.nodes(firstURL: link.url)
        defer { _ = (cut.stop(), direct.stop()) }
        let site = try await ClinicalEndToEndTests.site(direct)
        let monitor = site.devices["monitor-a"]!
        let stream = try await direct.stream(token: site["nina"])
        try await ClinicalEndToEndTests.ingest(cut, monitor, ClinicalEndToEndTests.vitals(1, rr: 16, spo2: 97, sbp: 120, hr: 72, secondsAgo: 720))

        try await link.cut(cut)
        let refused = try await cut.request(
            .POST, "/api/ingest", token: monitor, json: ClinicalEndToEndTests.vitals(5, rr: 16, spo2: 97, sbp: 120, hr: 72))
        #expect(refused.status == .serviceUnavailable && refused.headers.first(name: "Retry-After") != nil, "\(refused.status) \(refused.text)")
        // The other node goes on, takes the lead within the lease's time, and raises what comes to it.
        try await ClinicalEndToEndTests.ingest(direct, monitor, ClinicalEndToEndTests.vitals(10, rr: 21, spo2: 96, sbp: 115, hr: 95, secondsAgo: 360))
        try await ClinicalEndToEndTests.ingest(direct, monitor, ClinicalEndToEndTests.vitals(20, rr: 25, spo2: 94, sbp: 105, hr: 115))
        let raised = await stream.next(
            timeout: .seconds(30), where: ClinicalEndToEndTests.about("a1", "alert") { $0["data"]?["transition"] == "raised" })
        #expect(raised != nil, "\(direct.output)")

        try await link.restore()
        #expect(await cut.exited(within: .seconds(30)) == 75, "the old leader gives way: \(cut.output)")
        try await cut.start()
        try await link.cut(cut)
        try await link.restore()
        try await CommandEndToEndTests.until("the follower recovers by itself", within: .seconds(30)) {
            try await cut.request(.GET, "/health/ready").status == .ok
        }
        try await ClinicalEndToEndTests.ingest(cut, monitor, ClinicalEndToEndTests.vitals(30, rr: 16, spo2: 97, sbp: 120, hr: 72))
        let vitals = "9279-1,59408-5,8480-6,8867-4,8310-5"
        let stored = try await direct.request(.GET, "/fhir/Observation?patient=a1&code=\(vitals)&_summary=count", token: site["nina"]).json?["total"]
        #expect(stored == 20, "four sets acknowledged, each stored once; the refused one not")
        let alerts = try await direct.request(.GET, "/api/alerts?patient=a1&kind=news2", token: site["nina"]).json?["alerts"]?.arrayValue ?? []
        #expect(alerts.count == 1)
        await stream.close()
    }

    /// A follower cut off from the database for longer than commits are kept (the leader forgot
    /// the ones it missed; here they are deleted as the leader would) cannot trust its caches: on
    /// reconnecting it finds the gap and exits (75) to start afresh, rather than go on without
    /// them (a credential revoked meanwhile would still open on it).
    @Test func aNodeThatMissedForgottenCommitsRestartsRatherThanTrustItsCaches() async throws {
        let link = try await DatabaseLink()
        let (leader, follower) = try await Self.nodes(secondURL: link.url)
        defer { _ = (leader.stop(), follower.stop()) }
        let admin = try await leader.token()
        try await leader.put("Patient", "p1", [:], token: admin)
        try await link.cut(follower)
        try await leader.put("Device", "d1", ["patient": ["reference": "Patient/p1"]], token: admin)
        try await leader.put("Device", "d2", ["patient": ["reference": "Patient/p1"]], token: admin)
        try await link.postgres.execute("DELETE FROM commit_event WHERE id < (SELECT max(id) FROM commit_event)", database: link.database)
        try await link.restore()
        #expect(await follower.exited(within: .seconds(30)) == 75, "\(follower.output)")
    }
}

/// A node's path to the test process's PostgreSQL through HAProxy in TCP mode, which a test cuts
/// (a network partition between that node and the database) and restores.
final class DatabaseLink: @unchecked Sendable {
    // @unchecked: only the test that owns it touches it.
    let postgres: LocalPostgres
    private let proxy: LocalHAProxy
    private var process: ChildProcess?
    /// The database of the last URL given to ``url(_:)``.
    private(set) var database = ""

    init() async throws {
        postgres = try await LocalPostgres.shared()
        proxy = try LocalHAProxy()
        process = try await proxy.start(proxy.link(to: postgres.port))
    }

    /// `url`, through the link.
    func url(_ url: String) -> String {
        database = String(url.split(separator: "/").last ?? "")
        return url.replacingOccurrences(of: ":\(postgres.port)/", with: ":\(proxy.port)/")
    }

    /// Cuts the link and waits until `node`, which uses it, reports not ready.
    func cut(_ node: ServerProcess) async throws {
        _ = process?.stop(SIGKILL)
        process = nil
        try await CommandEndToEndTests.until("the node cut off reports not ready", within: .seconds(30)) {
            try await node.request(.GET, "/health/ready").status == .serviceUnavailable
        }
    }

    func restore() async throws {
        process = try await proxy.start(proxy.link(to: postgres.port))
    }

    deinit {
        _ = process?.stop()
        proxy.remove()
    }
}
