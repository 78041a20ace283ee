import Foundation
import VigilCore
import VigilSimulator

/// `vigil bench simulator`: how many simulated devices one core drives. Starts `vigil serve` with
/// MLLP and its own Mosquitto, registers every built-in scenario `copies` times, runs the fleet in
/// this process, and after a warm-up (every device has measured and uploaded once) measures the
/// readings per second and the CPU time of the fleet (this process) and of the server.
public struct SimulatorBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        public var copies = 300
        public var speed = 1.0
        public var warmUp = Duration.seconds(75)
        public var measure = Duration.seconds(60)

        public init() {}
    }

    public struct Report: Sendable {
        public var options: Options
        public var devices: Int
        public var transports: String
        public var readingsPerSecond: Double
        public var acknowledgedPerSecond: Double
        public var uploadsPerSecond: Double
        /// Cores the fleet used (CPU seconds per second).
        public var fleetCores: Double
        public var serverCores: Double?
        public var fleetMemory: Int?
        public var held: Int

        public var text: String {
            [
                "Vigil simulator benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, server, Mosquitto and fleet on the same machine",
                "  fleet:       \(devices) devices (\(transports)), every built-in scenario ×\(options.copies), physiology ×\(options.speed)",
                String(
                    format:
                        "  load:        %.0f readings/s measured, %.0f acknowledged, %.0f uploads/s (%.0f s after a %.0f s warm-up); %d held at the end",
                    readingsPerSecond, acknowledgedPerSecond, uploadsPerSecond, options.measure.seconds, options.warmUp.seconds, held),
                String(
                    format: "  fleet CPU:   %.3f cores = %.0f devices per core; memory %@", fleetCores, Double(devices) / max(fleetCores, 1e-9),
                    fleetMemory.map { "\($0 >> 20) MB" } ?? "?"),
                serverCores.map { String(format: "  server CPU:  %.3f cores", $0) } ?? "  server CPU:  ?",
            ].joined(separator: "\n")
        }
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        guard options.target.server == nil else { throw VigilError(.invalid, "the simulator benchmark starts its own server and broker") }
        let scenarios = try Scenario.builtIn.map { try Scenario.load($0) }
        let local = try LocalBroker()
        let mllpPort = try Loopback.freePort()
        var fleetOptions = FleetOptions()
        fleetOptions.copies = options.copies
        fleetOptions.speed = options.speed
        fleetOptions.mqtt = .init(host: "127.0.0.1", port: local.port)
        fleetOptions.mllp = .init(host: "127.0.0.1", port: mllpPort)
        let fleet = Fleet(scenarios: scenarios, options: fleetOptions, start: Int64(Date().timeIntervalSince1970 * 1000))
        var target = options.target
        target.serveArguments +=
            local.serveArguments + [
                "--mllp", "127.0.0.1:\(mllpPort)", "--mllp-senders", fleet.facilities.map { "\($0)@127.0.0.1/32" }.joined(separator: ","),
            ]
        let server = try await BenchServer.attachOrStart(target, log: log)
        var broker: ChildProcess?
        defer {
            server.stop()
            broker?.stop()
        }
        broker = try await local.start()
        log("registering \(fleet.members.count) devices on \(fleet.resources.resources.count) resources…")
        let admin = try await server.http.signIn("admin", server.adminPassword)
        try await fleet.register(client: server.http, adminToken: admin)
        log(fleet.transports.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) over \($0.key.rawValue)" }.joined(separator: ", "))
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { await fleet.run(client: server.http) }
            try? await Task.sleep(for: options.warmUp)
            let before = (fleet.statistics, Self.cpuSeconds(), server.cpuSeconds(), ContinuousClock.now)
            log("warmed up: \(before.0.line)")
            try? await Task.sleep(for: options.measure)
            let after = (fleet.statistics, Self.cpuSeconds(), server.cpuSeconds(), ContinuousClock.now)
            log("measured: \(after.0.line)")
            group.cancelAll()
            let seconds = (after.3 - before.3).seconds
            return Report(
                options: options, devices: fleet.members.count,
                transports: fleet.transports.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(
                    separator: ", "),
                readingsPerSecond: Double(after.0.generated - before.0.generated) / seconds,
                acknowledgedPerSecond: Double(after.0.acknowledged - before.0.acknowledged) / seconds,
                uploadsPerSecond: Double(after.0.uploads - before.0.uploads) / seconds, fleetCores: (after.1 - before.1) / seconds,
                serverCores: before.2.flatMap { start in after.2.map { ($0 - start) / seconds } },
                fleetMemory: BenchServer.memory(of: "self")?.current,
                held: after.0.unacknowledged)
        }
    }

    /// CPU seconds this process has used (user and system).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

}
