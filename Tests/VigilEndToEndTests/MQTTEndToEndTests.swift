import Foundation
import MQTT
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// Readings through a real Mosquitto broker into a running `vigil serve`: `mosquitto_pub` as the
/// device, the broker's accounts written by Vigil, restarts of both sides.
@Suite(.serialized, .timeLimit(.minutes(5))) struct MQTTEndToEndTests {
    /// A server that manages its broker's accounts, the broker, and patient p1 wearing oximeter
    /// ox1 (and p2 wearing ox2), each device with a token.
    struct Site {
        let server: ServerProcess
        let broker: Mosquitto
        let admin: String
        let tokens: [String: String]
    }

    static func site(brokerManaged: Bool = true) async throws -> Site {
        let broker: Mosquitto
        let server: ServerProcess
        if brokerManaged {
            let port = try Loopback.freePort()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("broker-\(UUID().uuidString)").path
            server = try ServerProcess(arguments: ["--mqtt", "mqtt://127.0.0.1:\(port)", "--broker-config", directory])
            try await server.start()  // writes the broker's files, then connects once the broker is up
            broker = Mosquitto(configurationFile: directory + "/mosquitto.conf", port: port, removingItsDirectory: true)
        } else {
            broker = try Mosquitto.anonymous()
            server = try ServerProcess(arguments: ["--mqtt", "mqtt://127.0.0.1:\(broker.port)"])
            try await server.start()
        }
        try await broker.start()
        let admin = try await server.token()
        var tokens: [String: String] = [:]
        for (patient, device) in [("p1", "ox1"), ("p2", "ox2")] {
            _ = try await server.request(.PUT, "/fhir/Patient/\(patient)", token: admin, json: ["resourceType": "Patient", "id": .string(patient)])
            _ = try await server.request(
                .PUT, "/fhir/Device/\(device)", token: admin,
                json: ["resourceType": "Device", "id": .string(device), "patient": ["reference": .string("Patient/\(patient)")]])
            tokens[device] = try #require(
                try await server.request(.POST, "/api/devices/\(device)/credentials", token: admin).json?["token"]?.stringValue)
        }
        try await waitUntilConnected(server)
        return Site(server: server, broker: broker, admin: admin, tokens: tokens)
    }

    /// Makes ox1 a vital-signs monitor and gives p1 a nurse (nina) who may command it.
    static func monitorWithANurse(_ site: Site) async throws {
        _ = try await site.server.request(
            .PUT, "/fhir/Device/ox1", token: site.admin,
            json: [
                "resourceType": "Device", "id": "ox1", "patient": ["reference": "Patient/p1"],
                "type": ["coding": [["system": "urn:vigil:device-type", "code": "vital-signs-monitor"]]],
            ])
        try await site.server.put("Practitioner", "n1", ["name": [["family": "n1"]]], token: site.admin)
        try await site.server.put(
            "CareTeam", "t1",
            ["status": "active", "subject": ["reference": "Patient/p1"], "participant": [["member": ["reference": "Practitioner/n1"]]]],
            token: site.admin)
        let user = try await site.server.request(
            .POST, "/api/users", token: site.admin,
            json: ["username": "nina", "password": "password-of-nina", "role": "nurse", "fhirUser": "Practitioner/n1"])
        #expect(user.status == .created, "\(user.text)")
    }

    /// Whether a server's `/metrics` say it is connected to the broker and subscribed.
    static func isSubscribed(_ metrics: String) -> Bool { MetricsText.value("vigil_mqtt_connected", in: metrics) == 1 }

    /// Waits until the server says (in `/metrics`) that it is connected to the broker and subscribed.
    static func waitUntilConnected(_ server: ServerProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let metrics = try? await server.request(.GET, "/metrics"), Self.isSubscribed(metrics.text) {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure("the server did not connect to the broker: \(server.output)")
    }

    static func batch(_ seqs: ClosedRange<Int>, value: (Int) -> Int = { _ in 72 }) -> String {
        let now = FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        let readings: [JSON] = seqs.map {
            ["seq": .integer($0), "time": .string(now), "code": "8867-4", "value": .integer(value($0)), "unit": "/min"]
        }
        return JSON.object(["readings": .array(readings)]).text
    }

    /// Publishes `payload` with `mosquitto_pub` on `device`'s readings topic (as `user`, or
    /// anonymously) and returns the acknowledgement the server publishes back, or nil when none
    /// comes within `wait`.
    static func publish(_ site: Site, device: String, user: String? = nil, payload: String, wait: Duration = .seconds(20)) async throws -> JSON? {
        var credentials: [String] = []
        if let user { credentials = ["-u", user, "-P", site.tokens[user] ?? "x"] }
        let listener = try await TopicListener(
            port: site.broker.port, topic: "vigil/devices/\(device)/ack", username: user ?? "anonymous", password: site.tokens[user ?? ""] ?? "")
        defer { listener.stop() }
        let published = try site.broker.client(
            Mosquitto.publisher, credentials + ["-q", "1", "-t", "vigil/devices/\(device)/readings", "-m", payload])
        #expect(published.status == 0, "\(published.output)")
        return try await listener.nextJSON(timeout: wait)
    }

    /// Publishes a payload of `bytes` bytes (QoS 1, from a file: too long for a command line) on
    /// `device`'s readings topic; `mosquitto_pub`'s status and output.
    static func publishLarge(_ site: Site, device: String, user: String?, bytes: Int) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("large-\(UUID().uuidString)").path
        try Data(repeating: UInt8(ascii: " "), count: bytes).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let credentials = user.map { ["-u", $0, "-P", site.tokens[$0] ?? "x"] } ?? []
        return try site.broker.client(Mosquitto.publisher, credentials + ["-q", "1", "-t", "vigil/devices/\(device)/readings", "-f", file])
    }

    /// A message above the limits stops nothing: the next reading of every device is acknowledged.
    @Test(arguments: [true, false])
    func aMessageAboveTheLimitIsRefusedOnceAndIngestGoesOn(brokerManaged: Bool) async throws {
        let site = try await Self.site(brokerManaged: brokerManaged)
        let user: String? = brokerManaged ? "ox1" : nil
        // Where the server takes the message, ox1 hears its refusal first: waited for here, so that
        // it is not taken for the answer to the next reading.
        let refusals =
            brokerManaged
            ? nil : try await TopicListener(port: site.broker.port, topic: "vigil/devices/ox1/ack", username: "anonymous", password: "")
        _ = try Self.publishLarge(site, device: "ox1", user: user, bytes: 5 << 20)
        if let refusals {
            let refusal = try await refusals.nextJSON(timeout: .seconds(20))
            refusals.stop()
            #expect(refusal?["error"]?.stringValue?.contains("limit") == true, "\(refusal?.text ?? "no refusal")")
        }
        for (device, seq) in [("ox1", 1), ("ox2", 1)] {
            let ack = try await Self.publish(site, device: device, user: brokerManaged ? device : nil, payload: Self.batch(seq...seq))
            #expect(ack?["accepted"] == 1, "\(device): \(ack?.text ?? "no acknowledgement"); \(site.server.output.suffix(2000))")
        }
        if !brokerManaged {
            // A broker that takes it (not configured by Vigil): Vigil acknowledges it, refuses it
            // with the reason and quarantines it, instead of dropping the connection for ever.
            let quarantine = try await site.server.request(.GET, "/api/quarantine?device=ox1", token: site.admin)
            let reason = quarantine.json?["quarantine"]?[0]?["reason"]?.stringValue ?? ""
            #expect(reason.contains("limit"), "\(quarantine.text)")
            #expect(quarantine.json?["quarantine"]?.arrayValue?.count == 1, "taken once, not redelivered: \(quarantine.text)")
        }
        site.broker.stop()
    }

    static func observations(_ site: Site, patient: String) async throws -> Int {
        try #require(
            try await site.server.request(.GET, "/fhir/Observation?patient=\(patient)&code=8867-4&_count=0", token: site.admin).json?["total"]?
                .int64Value
        )
        .asInt
    }

    @Test func mosquittoPubReadingsBecomeObservationsAndEachDeviceKeepsToItsOwnTopic() async throws {
        let site = try await Self.site()
        let ack = try #require(try await Self.publish(site, device: "ox1", user: "ox1", payload: Self.batch(1...2) { $0 == 2 ? 900 : 72 }))
        #expect(ack["accepted"] == 1 && ack["duplicates"] == 0 && ack["seqs"]?.text == "[[1,2]]", "\(ack.text)")
        #expect(ack["rejected"]?[0]?["reason"]?.stringValue?.contains("plausible") == true)
        let search = try await site.server.request(.GET, "/fhir/Observation?patient=p1", token: site.admin)
        #expect(search.text.contains(#""value":"ox1/0/1""#), "\(search.text)")
        // The same batch again: acknowledged as duplicates, stored once.
        let again = try #require(try await Self.publish(site, device: "ox1", user: "ox1", payload: Self.batch(1...1)))
        #expect(again["accepted"] == 0 && again["duplicates"] == 1)
        #expect(try await Self.observations(site, patient: "p1") == 1)

        // ox1 publishing on ox2's topic: the broker drops it (MQTT 3.1.1 cannot say so); nothing reaches p2.
        let foreign = try site.broker.client(
            Mosquitto.publisher, ["-u", "ox1", "-P", site.tokens["ox1"]!, "-q", "1", "-t", "vigil/devices/ox2/readings", "-m", Self.batch(1...1)])
        #expect(foreign.status == 0)
        // …nor may it read ox2's acknowledgements: a subscription it is not allowed gets nothing.
        let own = try #require(try await Self.publish(site, device: "ox2", user: "ox2", payload: Self.batch(5...5)))
        #expect(own["accepted"] == 1)
        #expect(try await Self.observations(site, patient: "p2") == 1, "only ox2's own reading")
        let quarantine = try await site.server.request(.GET, "/api/quarantine?device=ox2", token: site.admin)
        #expect(quarantine.json?["quarantine"]?.arrayValue?.isEmpty == true)

        // A command reaches its device only, through the broker (QoS 1), and only the device answers it.
        try await Self.monitorWithANurse(site)
        let commands = try await TopicListener(
            port: site.broker.port, topic: "vigil/devices/ox1/commands", username: "ox1", password: site.tokens["ox1"]!)
        defer { commands.stop() }
        // ox2 may not read ox1's commands: its subscription is refused or hears nothing.
        let snooping = try await TopicListener(
            port: site.broker.port, topic: "vigil/devices/ox1/commands", username: "ox2", password: site.tokens["ox2"]!)
        defer { snooping.stop() }
        let nurse = try await site.server.token("nina", "password-of-nina")
        let sent = try await site.server.request(.POST, "/api/devices/ox1/commands", token: nurse, json: ["command": "measure-now"])
        let id = try #require(sent.json?["id"]?.int64Value, "\(sent.text)")
        let message = try JSON.parse(try #require(try await commands.next()))
        #expect(message["id"]?.int64Value == id && message["command"] == "measure-now")
        #expect(try await snooping.next(timeout: .seconds(2)) == nil)
        // ox2 answering for ox1 (on ox1's topic, or naming ox1's command on its own) changes nothing; ox1's answer counts.
        for (user, topic) in [
            ("ox2", "vigil/devices/ox1/commands/ack"), ("ox2", "vigil/devices/ox2/commands/ack"), ("ox1", "vigil/devices/ox1/commands/ack"),
        ] {
            let answer = try site.broker.client(
                Mosquitto.publisher, ["-u", user, "-P", site.tokens[user]!, "-q", "1", "-t", topic, "-m", #"{"id":\#(id),"status":"accepted"}"#])
            #expect(answer.status == 0)
        }
        try await CommandEndToEndTests.until("ox1's answer is recorded") {
            try await site.server.request(.GET, "/api/commands/\(id)", token: nurse).json?["state"] == "accepted"
        }
        let history = try await site.server.request(.GET, "/api/commands/\(id)", token: nurse).json?["history"]?.arrayValue ?? []
        #expect(history.filter { $0["state"] == "accepted" }.map { $0["by"] } == ["device/ox1"])

        // Wrong password and anonymous: refused at connect.
        for credentials in [["-u", "ox1", "-P", "not-the-token"], []] {
            let refused = try site.broker.client(Mosquitto.publisher, credentials + ["-t", "vigil/devices/ox1/readings", "-m", "{}"])
            #expect(refused.status != 0 && refused.output.contains("not authorised"), "\(refused.output)")
        }
        // Revoked: the broker is told at once and refuses the device.
        _ = try await site.server.request(.DELETE, "/api/devices/ox1/credentials", token: site.admin)
        var refused = false
        for _ in 0..<50 where !refused {
            let attempt = try site.broker.client(
                Mosquitto.publisher, ["-u", "ox1", "-P", site.tokens["ox1"]!, "-t", "vigil/devices/ox1/readings", "-m", "{}"])
            refused = attempt.status != 0 && attempt.output.contains("not authorised")
            if !refused { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(refused, "the revoked device still gets in")
        #expect(!site.server.output.contains(site.tokens["ox2"]!), "no token in the logs")
        site.broker.stop()
    }

    @Test func anAnonymousBrokerFeedsTheServerAndUnknownOrRevokedDevicesAreQuarantined() async throws {
        let site = try await Self.site(brokerManaged: false)
        let ack = try #require(try await Self.publish(site, device: "ox1", payload: Self.batch(1...3)))
        #expect(ack["accepted"] == 3 && ack["seqs"]?.text == "[[1,3]]")
        // Not a batch at all: quarantined whole, and the device is told why.
        let garbage = try #require(try await Self.publish(site, device: "ox1", payload: "{\"readings\": 7}"))
        #expect(garbage["error"]?.stringValue != nil && garbage["seqs"]?.text == "[]", "\(garbage.text)")
        // A device Vigil does not know, and a revoked one: quarantined, never acknowledged.
        _ = try await site.server.request(.DELETE, "/api/devices/ox2/credentials", token: site.admin)
        for device in ["ghost", "ox2"] {
            let silence = try await Self.publish(site, device: device, payload: Self.batch(1...1), wait: .seconds(3))
            #expect(silence == nil, "\(device) got an acknowledgement")
            let quarantine = try await site.server.request(.GET, "/api/quarantine?device=\(device)", token: site.admin)
            let reason = quarantine.json?["quarantine"]?[0]?["reason"]?.stringValue ?? ""
            #expect(reason.contains("unknown or its credentials are revoked"), "\(device): \(quarantine.text)")
        }
        #expect(try await Self.observations(site, patient: "p1") == 3)
        #expect(try await Self.observations(site, patient: "p2") == 0)
        site.broker.stop()
    }

    @Test func restartingTheBrokerAndKillingTheServerLoseNothingAcknowledged() async throws {
        let site = try await Self.site()
        let device = DeviceSimulator(broker: site.broker.port, device: "ox1", token: site.tokens["ox1"]!)
        let batches = 60
        let perBatch = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await device.client.run { publish in device.received(publish) } }
            for batch in 0..<batches {
                device.send(first: batch * perBatch + 1, count: perBatch)
                try await Task.sleep(for: .milliseconds(60))
                if batch == 20 {
                    site.broker.stop()
                    try await site.broker.start()
                }
                if batch == 40 {
                    #expect(site.server.stop(SIGKILL) != 0)
                    try await site.server.start()
                }
            }
            // Like a real device: send again what no acknowledgement covers yet, until all are.
            let deadline = ContinuousClock.now + .seconds(90)
            while device.unacknowledged.count > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .seconds(2))
                device.resendUnacknowledged()
            }
            group.cancelAll()
        }
        #expect(device.unacknowledged.isEmpty, "never acknowledged: \(device.unacknowledged.sorted().prefix(20))")
        // Every acknowledged reading is stored, and once.
        #expect(try await Self.observations(site, patient: "p1") == batches * perBatch)
        site.broker.stop()
    }
}

/// A device on the broker that keeps each reading until the server's acknowledgement covers it.
final class DeviceSimulator: Sendable {
    let device: String
    let client: MQTTClient
    private let state = Mutex<(sent: [Int: Int], acknowledged: Set<Int>)>(([:], []))

    init(broker port: Int, device: String, token: String) {
        self.device = device
        var session = MQTTConnectionStateMachine.Configuration(
            clientID: "device-\(device)", filters: ["vigil/devices/\(device)/ack"], username: device, password: Array(token.utf8))
        session.minimumBackoff = 50
        session.maximumBackoff = 500
        client = MQTTClient(configuration: .init(host: "127.0.0.1", port: port, session: session))
    }

    /// Seqs sent and not yet acknowledged.
    var unacknowledged: Set<Int> {
        state.withLock { state in
            Set(state.sent.flatMap { first, count in first..<first + count }).subtracting(state.acknowledged)
        }
    }

    func send(first: Int, count: Int) {
        state.withLock { $0.sent[first] = count }
        publish(first: first, count: count)
    }

    func resendUnacknowledged() {
        let pending = unacknowledged
        let batches = state.withLock { $0.sent.filter { first, count in (first..<first + count).contains { pending.contains($0) } } }
        for (first, count) in batches { publish(first: first, count: count) }
    }

    private func publish(first: Int, count: Int) {
        let payload = MQTTEndToEndTests.batch(first...(first + count - 1))
        client.publish(.init(topic: "vigil/devices/\(device)/readings", payload: ByteBuffer(string: payload), qos: .atLeastOnce))
    }

    func received(_ publish: MQTTPacket.Publish) {
        if let id = publish.packetID { client.accepted(packetID: id) }
        guard let ack = try? JSON.parse(Array(publish.payload.readableBytesView)), let ranges = ack["seqs"]?.arrayValue else { return }
        state.withLock { state in
            for range in ranges {
                if let low = range[0]?.int64Value, let high = range[1]?.int64Value { state.acknowledged.formUnion(Int(low)...Int(high)) }
            }
        }
    }
}

extension Int64 {
    var asInt: Int { Int(self) }
}
