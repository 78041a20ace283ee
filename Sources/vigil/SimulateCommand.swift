import ArgumentParser
import Foundation
import VigilCore
import VigilSimulator

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run simulated patients and devices against a Vigil server.",
        discussion: """
            Registers the scenarios' patients, devices (with fresh tokens), staff and care teams through the API \
            with an administrator's password or token, then runs every device: it measures its patient on its \
            cadence and sends over HTTPS, MQTT (--mqtt) or HL7 v2 over MLLP (--mllp), keeping each reading until \
            the server acknowledges it. Without --mqtt or --mllp those devices send over HTTPS instead. \
            --speed runs physiology and sampling faster; timestamps stay real time. Ctrl-C stops it. \
            Built-in scenarios: \(Scenario.builtIn.joined(separator: ", ")); see docs/simulator.md to write your own. \
            `vigil simulate population` writes a synthetic population into a data directory instead.
            """,
        subcommands: [Population.self]
    )

    @Option(help: ArgumentHelp("The Vigil server.", valueName: "url")) var server = "http://127.0.0.1:8080"
    @Option(help: ArgumentHelp("A built-in scenario or a scenario file (repeat for several; 'all' for every built-in one).", valueName: "name|file"))
    var scenario: [String] = []
    @Option(help: "How many times faster physiology and sampling run than the clock.") var speed: Double = 1
    @Option(help: "Seed of the randomness: the same seed gives the same readings.") var seed: UInt64 = 1
    @Option(name: .customLong("admin-password"), help: ArgumentHelp("Password of the user admin. [env: VIGIL_ADMIN_PASSWORD]", valueName: "password"))
    var adminPassword: String?
    @Option(help: ArgumentHelp("An administrator's bearer token instead of --admin-password.", valueName: "token")) var token: String?
    @Option(help: ArgumentHelp("MQTT broker for the MQTT devices.", valueName: "mqtt://host:port")) var mqtt: String?
    @Option(help: ArgumentHelp("Vigil's MLLP listener for the HL7 monitors.", valueName: "host:port")) var mllp: String?
    @Option(help: "Register each scenario's patients and devices this many times (load).") var copies = 1
    @Option(help: ArgumentHelp("Stop after this many seconds (default: run until stopped).", valueName: "seconds")) var duration: Double?
    @Option(
        name: .customLong("dry-run"), help: ArgumentHelp("Print the readings of the first HOURS as JSON lines, without a server.", valueName: "hours")
    )
    var dryRun: Double?
    @Flag(help: "Create accounts for the scenarios' staff and print their passwords.") var accounts = false
    @Flag(help: "List the built-in scenarios.") var list = false

    func validate() throws {
        try OptionCheck.positive(speed, "speed")
        try OptionCheck.within(copies, 1...100_000, "copies")
        try OptionCheck.positive(duration, "duration")
    }

    func run() async throws {
        if list {
            for name in Scenario.builtIn { print("\(name): \(try Scenario.load(name).description)\n") }
            return
        }
        guard !scenario.isEmpty else { throw CommandFailure("give --scenario (one of \(Scenario.builtIn.joined(separator: ", ")), all, or a file)") }
        let scenarios = try scenario.flatMap { $0 == "all" ? Scenario.builtIn : [$0] }.map { try Scenario.load($0) }
        var options = FleetOptions()
        options.speed = speed
        options.seed = seed
        options.copies = copies
        if let mqtt {
            guard let endpoint = FleetOptions.Endpoint(mqtt) else { throw CommandFailure("--mqtt takes mqtt://host:port") }
            options.mqtt = endpoint
        }
        if let mllp {
            guard let endpoint = FleetOptions.Endpoint(mllp) else { throw CommandFailure("--mllp takes host:port") }
            options.mllp = endpoint
        }
        let fleet = Fleet(scenarios: scenarios, options: options, start: Int64(Date().timeIntervalSince1970 * 1000))
        if let hours = dryRun {
            DryRun.print(fleet, hours: hours)
            return
        }
        let (token, adminPassword, accounts, duration) = (token, adminPassword, accounts, duration)
        try await JSONClient.with(server.hasSuffix("/") ? String(server.dropLast()) : server) { client in
            let admin: String
            if let token {
                admin = token
            } else if let password = adminPassword ?? ProcessInfo.processInfo.environment["VIGIL_ADMIN_PASSWORD"] {
                admin = try await client.signIn("admin", password)
            } else {
                throw CommandFailure("give --admin-password (or VIGIL_ADMIN_PASSWORD) or --token")
            }
            var passwords = accounts ? DemoAccounts.passwords(for: fleet.resources.staff) : [:]
            let existing = try await fleet.register(client: client, adminToken: admin, passwords: passwords)
            for username in existing { passwords[username] = "(existed; password unchanged)" }
            if accounts { print(DemoAccounts.table(fleet.resources.staff, passwords: passwords)) }
            print(FleetReport.transports(fleet))
            try await SignalCancellation.run {
                await FleetReport.run(fleet, client: client, for: duration, every: .seconds(10))
            }
            print(fleet.statistics.line)
        }
    }
}
