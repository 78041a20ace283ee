import ArgumentParser
import Foundation
import VigilBench
import VigilCore
import VigilSimulator

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run Vigil with simulated wards, school children and patients at home.",
        discussion: """
            Starts `vigil serve` with embedded SQLite in a fresh folder, Mosquitto on a free port when it is \
            installed (otherwise the MQTT devices send over HTTPS, and it says so), and HL7 v2 over MLLP; loads \
            every built-in scenario; prints the address and the demo accounts; and keeps the patients moving until \
            Ctrl-C or SIGTERM, which stops everything it started.
            """
    )

    @Option(help: ArgumentHelp("Address to serve HTTP on.", valueName: "host:port")) var http = "127.0.0.1:8080"
    @Option(help: ArgumentHelp("A fresh data directory (default: a new folder under the system's temporary directory).", valueName: "dir"))
    var data: String?
    @Option(help: "How many times faster physiology runs than the clock (the sepsis story takes 6 hours).") var speed: Double = 30
    @Option(help: "Seed of the simulation's randomness.") var seed: UInt64 = 1

    func validate() throws {
        try OptionCheck.positive(speed, "speed")
    }

    func run() async throws {
        // Ctrl-C or SIGTERM at any moment, starting included, stops what the demo started.
        try await SignalCancellation.run { try await demo() }
    }

    private func demo() async throws {
        let directory = data ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigil-demo-\(UUID().uuidString.prefix(8))").path
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: directory), !existing.isEmpty {
            throw CommandFailure("\(directory) is not empty: the demo starts from a fresh folder")
        }
        // The server's alone from the start (vigil serve would close it, with a warning).
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let scenarios = try Scenario.builtIn.map { try Scenario.load($0) }
        var options = FleetOptions()
        options.speed = speed
        options.replays = true
        options.seed = seed
        let adminPassword = DemoAccounts.password()
        let mllpPort = try Loopback.freePort()
        options.mllp = .init(host: "127.0.0.1", port: mllpPort)
        var arguments = ["serve", "--data", directory, "--http", http, "--mllp", "127.0.0.1:\(mllpPort)", "--log-level", "warning"]
        let local = LocalBroker.binary == nil ? nil : try LocalBroker(directory: directory + "/broker")
        if let local {
            arguments += local.serveArguments
            options.mqtt = .init(host: "127.0.0.1", port: local.port)
        }
        let fleet = Fleet(scenarios: scenarios, options: options, start: Int64(Date().timeIntervalSince1970 * 1000))
        arguments += ["--mllp-senders", fleet.facilities.map { "\($0)@127.0.0.1/32" }.joined(separator: ",")]
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIL_ADMIN_PASSWORD"] = adminPassword
        let serverLog = directory + "/server.log"
        let server = try ChildProcess.spawn(
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path, arguments, environment: environment, log: serverLog)
        var broker: ChildProcess?
        defer {
            server.stop(grace: .seconds(20))
            broker?.stop(grace: .seconds(10))
        }
        let baseURL = try await Self.announced(log: serverLog, server: server)
        broker = try await local?.start()
        try await JSONClient.with(baseURL) { client in
            let admin = try await client.signIn("admin", adminPassword)
            let passwords = DemoAccounts.passwords(for: fleet.resources.staff)
            try await fleet.register(client: client, adminToken: admin, passwords: passwords)
            FleetReport.say(
                """

                Vigil demo is running: \(baseURL)
                  admin          \(adminPassword)  administrator
                \(DemoAccounts.table(fleet.resources.staff, passwords: passwords).split(separator: "\n").dropFirst().joined(separator: "\n"))
                \(FleetReport.transports(fleet))\(local == nil ? "\n  Mosquitto is not installed: the MQTT devices send over HTTPS (apt-get install mosquitto)." : "")
                  The airport's kiosk uploads its two weeks of screenings, a fever cluster under way since ten hours ago: sign in as
                  publichealth to see the site and its alert (GET /api/screening?location=Location/kiosk-t2-arrivals-site).
                Data in \(directory) (server log: server.log). Ctrl-C stops the demo.

                """)
            await FleetReport.run(fleet, client: client, for: nil, every: .seconds(60))
            FleetReport.say("Stopping: \(fleet.statistics.line)")
        }
    }

    /// The server's HTTP address, from the line it prints once it listens.
    static func announced(log: String, server: ChildProcess) async throws -> String {
        let prefix = "Vigil is listening on "
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line.dropFirst(prefix.count)) }
            guard server.isRunning else { throw CommandFailure("vigil serve stopped:\n\(text)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandFailure("vigil serve did not start within a minute; see \(log)")
    }
}
