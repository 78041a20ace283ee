import Foundation
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// The simulator against a running `vigil serve` with a real Mosquitto and HL7 over MLLP: each
/// scenario, compressed, raises the alerts it is meant to and nothing high for the stable patients;
/// its MQTT devices lose nothing when the broker restarts.
@Suite(.serialized, .timeLimit(.minutes(5))) struct SimulatorEndToEndTests {
    struct Site {
        let server: ServerProcess
        let broker: Mosquitto
        let client: JSONClient
        let admin: String
    }

    /// A server with Mosquitto and MLLP. At ×1200 a scenario's hours pass in seconds of real
    /// time, so the scores read each vital sign's newest value rather than a 5-minute median
    /// (which would span the whole course); windowed rules are checked on the virtual clock
    /// (AlarmBenchmarkTests).
    static func site(facilities: [String]) async throws -> Site {
        let port = try Loopback.freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("broker-\(UUID().uuidString)").path
        let probe = try ServerProcess()
        let policy = try await ClinicalEndToEndTests.policy(probe, "compressed-time") { $0["scoreSmoothingSeconds"] = 0 }
        let server = try ServerProcess(arguments: [
            "--mqtt", "mqtt://127.0.0.1:\(port)", "--broker-config", directory, "--mllp", "127.0.0.1:0",
            "--mllp-senders", facilities.map { "\($0)@127.0.0.1/32" }.joined(separator: ","), "--policy", policy,
        ])
        try await server.start()
        let broker = Mosquitto(configurationFile: directory + "/mosquitto.conf", port: port, removingItsDirectory: true)
        try await broker.start()
        try await MQTTEndToEndTests.waitUntilConnected(server)
        return Site(server: server, broker: broker, client: JSONClient.connect(to: server.baseURL), admin: try await server.token())
    }

    static func options(_ site: Site, speed: Double) -> FleetOptions {
        var options = FleetOptions()
        options.speed = speed
        options.seed = 42
        options.mqtt = .init(host: "127.0.0.1", port: site.broker.port)
        options.mllp = .init(host: "127.0.0.1", port: site.server.mllpPort)
        return options
    }

    @Test func eachScenarioRaisesItsAlertsAndTheStablePatientsNoHighOne() async throws {
        let scenarios = try Scenario.builtIn.map { try Scenario.load($0) }
        let hours = scenarios.map(\.hours).max()! + 0.5
        let speed = 1200.0
        let facilities = Fleet(scenarios: scenarios, options: FleetOptions(), start: 0).facilities
        let site = try await Self.site(facilities: facilities)
        defer { site.server.stop(); site.broker.stop() }
        let fleet = Fleet(scenarios: scenarios, options: Self.options(site, speed: speed), start: Int64(Date().timeIntervalSince1970 * 1000))
        #expect(fleet.transports == [.https: 10, .mqtt: 7, .hl7: 1])
        try await fleet.register(client: site.client, adminToken: site.admin)
        await fleet.run(client: site.client, measuringFor: .milliseconds(Int(hours * 3600 / speed * 1000)))
        let statistics = fleet.statistics
        #expect(statistics.unacknowledged == 0 && statistics.generated > 5000, "\(statistics.line)")
        #expect(statistics.rejected == 0 && statistics.duplicates > 0, "\(statistics.line)")

        // Each alert is an episode: its kind, and every kind of condition it had (`values.seen`).
        // At ×1200 minutes of physiology pass in a fraction of a second of real time, so a
        // forecast (which needs readings minutes apart) is checked on the virtual clock instead
        // (AlarmBenchmarkTests); the other expected alerts are checked here, end to end.
        for scenario in scenarios {
            for patient in scenario.patients {
                let reply = try await site.client.request(
                    .GET, "/api/alerts?patient=\(patient.id)&status=active,acknowledged,resolved&_count=1000", token: site.admin)
                let alerts = reply.json?["alerts"]?.arrayValue ?? []
                var raised = alerts.map { ($0["kind"]?.stringValue ?? "", $0["priority"]?.stringValue ?? "") }
                for alert in alerts {
                    for seen in alert["values"]?["seen"]?.arrayValue ?? [] {
                        raised.append((seen["kind"]?.stringValue ?? "", seen["priority"]?.stringValue ?? ""))
                    }
                }
                let expected = (patient.expectedAlerts ?? []).filter { $0.kind != "glucose-predicted-low" }
                for alert in expected {
                    #expect(
                        raised.contains { $0 == (alert.kind, alert.priority) },
                        "\(scenario.name): \(patient.id) never raised \(alert.kind) \(alert.priority): \(raised)")
                }
                if patient.expectedAlerts?.isEmpty ?? true {
                    #expect(!raised.contains { $0.1 == "high" }, "\(scenario.name): stable \(patient.id) raised \(raised)")
                }
            }
        }
        // Mia's low proposed suspending her pump, for the school nurse to confirm.
        let proposals = try await site.client.request(.GET, "/api/commands?device=school-pump-jensen", token: site.admin)
        #expect(
            proposals.json?["commands"]?.arrayValue?.contains {
                $0["command"] == "suspend-basal" && $0["state"] == "proposed" && $0["requestedBy"]?.stringValue?.hasPrefix("rule/glucose-") == true
            } == true, "\(proposals.text)")
        // The monitor behind the HL7 gateway got its readings in (how many it makes in the run
        // depends on the machine's load: 262 on PostgreSQL within the whole suite; none is lost,
        // as `unacknowledged` says above).
        let hdu = try await site.client.request(.GET, "/fhir/Observation?patient=hdu-silva&code=8867-4&_count=0", token: site.admin)
        #expect((hdu.json?["total"]?.int64Value ?? 0) > 100, "\(hdu.text)")
        await site.client.shutdown()
    }

    @Test func mqttDevicesLoseNothingWhenTheBrokerRestarts() async throws {
        let patients = (1...4).map { n in
            Scenario.Patient(
                id: "mq-p\(n)", given: "P", family: "\(n)", ageYears: 40, gender: "unknown",
                devices: [Scenario.Device(id: "mq-ox\(n)", kind: .pulseOximeter, transport: .mqtt)])
        }
        let scenario = Scenario(name: "mqtt-restart", description: "Four oximeters over MQTT.", patients: patients)
        let site = try await Self.site(facilities: ["UNUSED"])
        defer { site.server.stop(); site.broker.stop() }
        var options = Self.options(site, speed: 240)
        options.resendAfter = .seconds(3)
        let fleet = Fleet(scenarios: [scenario], options: options, start: Int64(Date().timeIntervalSince1970 * 1000))
        try await fleet.register(client: site.client, adminToken: site.admin)
        // Counted before the restart (the server's first attempts, before the broker started, count too).
        var disconnects: Double?
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await fleet.run(client: site.client, measuringFor: .seconds(10)) }
            try await Task.sleep(for: .seconds(4))
            let before = fleet.statistics.acknowledged
            disconnects = try await Self.brokerDisconnects(site)
            site.broker.stop()
            try await Task.sleep(for: .seconds(1))
            let heldWhileAway = fleet.statistics.unacknowledged
            try await site.broker.start()
            try await group.next()
            #expect(before > 0)
            #expect(heldWhileAway > 20, "the devices kept what they measured while the broker was away")
        }
        let statistics = fleet.statistics
        #expect(statistics.unacknowledged == 0 && statistics.generated > 500, "\(statistics.line)")
        var stored = 0
        for n in 1...4 {
            let reply = try await site.client.request(.GET, "/fhir/Observation?patient=mq-p\(n)&_count=0", token: site.admin)
            stored += Int(reply.json?["total"]?.int64Value ?? -1)
        }
        #expect(stored == statistics.generated, "\(statistics.line)")
        let after = try await Self.brokerDisconnects(site)
        #expect(disconnects != nil && after ?? 0 > disconnects ?? .infinity, "the lost connection is counted")
        await site.client.shutdown()
    }

    /// `vigil_mqtt_disconnects_total` from the server's `/metrics`.
    static func brokerDisconnects(_ site: Site) async throws -> Double? {
        let metrics = try await site.client.request(.GET, "/metrics").text
        return MetricsText.value("vigil_mqtt_disconnects_total", in: metrics)
    }
}

/// `vigil demo` as a newcomer runs it: the address and the accounts within a minute, the nurse
/// seeing her ward's patients move, and everything stopped by SIGTERM.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DemoEndToEndTests {
    @Test func theDemoPrintsItsAddressAndAccountsKeepsPatientsMovingAndStopsEverything() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-demo-e2e-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try Loopback.freePort()
        let log = directory + ".log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let demo = try ChildProcess.spawn(
            ServerProcess.binary, ["demo", "--data", directory, "--http", "127.0.0.1:\(port)", "--speed", "120"], log: log)
        defer { if demo.isRunning { demo.stop(SIGKILL) } }
        var output = ""
        let deadline = ContinuousClock.now + .seconds(60)
        while !output.contains("Ctrl-C stops the demo"), ContinuousClock.now < deadline, demo.isRunning {
            try await Task.sleep(for: .milliseconds(200))
            output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        #expect(output.contains("Vigil demo is running: http://127.0.0.1:\(port)"), "\(output)")
        func password(_ user: String) -> String? {
            output.split(separator: "\n").first { $0.hasPrefix("  \(user) ") }?.split(separator: " ").dropFirst().first.map(String.init)
        }
        for user in ["admin", "nurse", "doctor", "schoolnurse", "publichealth"] { #expect(password(user)?.count == 16, "\(user): \(output)") }
        #expect(output.contains("over mqtt"), "Mosquitto is installed here, so the MQTT devices use it")
        let client = JSONClient.connect(to: "http://127.0.0.1:\(port)")
        let nurse = try await client.signIn("nurse", try #require(password("nurse")))
        // Her board fills with her ward's and the unit's patients, and with nobody else.
        var patients: Set<String> = []
        while patients.count < 4, ContinuousClock.now < deadline + .seconds(30) {
            try await Task.sleep(for: .seconds(1))
            let board = try await client.request(.GET, "/api/board", token: nurse)
            patients = Set(board.json?["patients"]?.arrayValue?.compactMap { $0["patient"]?.stringValue } ?? [])
        }
        #expect(patients == ["Patient/ward7-rivera", "Patient/ward7-chen", "Patient/ward7-haddad", "Patient/hdu-silva"], "\(patients)")
        let school = try await client.request(.GET, "/fhir/Patient/school-jensen", token: nurse)
        #expect(school.status == .forbidden || school.status == .notFound)
        await client.shutdown()
        // SIGTERM stops the demo, its server and its broker.
        let children = Self.children(of: demo.pid)
        #expect(children.count == 2)
        #expect(demo.stop(SIGTERM, grace: .seconds(60)) == 0)
        #expect(children.allSatisfy { kill($0, 0) != 0 }, "left running: \(children)")
        // Its folder is the server's alone from the start: nothing to close, nothing to warn about.
        let serverLog = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
        #expect(!serverLog.contains("was open to others"), "\(serverLog)")
    }

    /// The processes whose parent is `pid` (Linux `/proc`).
    static func children(of pid: Int32) -> [Int32] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return all.compactMap(Int32.init).filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
                return false
            }
            return stat[stat.index(after: close)...].split(separator: " ").dropFirst().first.flatMap { Int32($0) } == pid
        }
    }
}
