import ArgumentParser
import Foundation
import VigilBench
import VigilClinical
import VigilSimulator

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Vigil on this machine (run a release build: swift run -c release vigil bench …).",
        subcommands: [
            Ingest.self, Rules.self, Stream.self, Board.self, Records.self, Cohorts.self, Exposures.self, Research.self, Connections.self,
            Simulator.self, Alarms.self, Notifications.self, Commands.self, Nodes.self,
        ]
    )

    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Durable ingest over HTTP, beside the store's own ceiling measured in the same run.",
            discussion: """
                Starts `vigil serve` on a fresh data directory (unless --server is given), creates the devices and \
                their patients through the API, sends readings in batches over several connections, and prints \
                readings/s, time to acknowledgement (p50/p99/max), duplicates, errors and the server's memory. Then it \
                writes the same rows straight into a fresh store in 50,000-row transactions and prints the ratio.
                """
        )

        @Option(help: "Transport: http, mqtt (through a Mosquitto the benchmark starts) or mllp (HL7 v2).") var via = "http"
        @Option(help: "Devices (each on its own patient, with its own token). (default: 10,000; 1,000 for mllp)") var devices: Int?
        @Option(help: "Readings per request, MQTT message or HL7 message. (default: 1,000 for http, 100 for mqtt, 6 for mllp)") var batch: Int?
        @Option(help: "Concurrent connections (http, mllp) or publishing devices (mqtt). (default: 64; 16 for mllp)") var connections: Int?
        @Option(help: "mqtt: batches in flight per publishing device.") var window = 8
        @Option(
            help: ArgumentHelp(
                "mqtt: 5 s into the load, hold the store's write lock from outside for this many seconds (a stalled disk), with the server's write queue at 20,000 readings, and count the broker connections the server lost meanwhile.",
                valueName: "seconds"))
        var stall: Double = 0
        @Option(help: "Readings to send in all.") var readings = 1_000_000
        @Option(help: "Send for this many seconds instead of a count.") var duration: Double?
        @Option(help: "Offered load in readings/s (default: as fast as acknowledgements come).") var rate: Double?
        @Option(name: .customLong("ceiling-rows"), help: "Rows per transaction for the store's ceiling; 0 skips it.") var ceilingRows = 50_000
        @Option(
            name: .customLong("trivial-seconds"), help: "http: seconds of GET /health/live over the same connections after the load; 0 skips it.")
        var trivialSeconds = 5.0
        @Option(
            help: ArgumentHelp(
                "http: the started server keeps its record in PostgreSQL, in this empty database (or `local`: a cluster the benchmark starts); the ceiling is then PostgreSQL's own.",
                valueName: "url"))
        var postgres: String?
        @Option(help: "http with --postgres: start this many nodes on the database, behind HAProxy (the first node's memory and CPU are reported).")
        var nodes = 1
        @OptionGroup var target: TargetOptions
        @Flag(name: .customLong("no-progress"), help: "Do not print progress every second.") var noProgress = false

        func validate() throws {
            if postgres != nil, via != "http" || target.server != nil { throw ValidationError("--postgres is for --via http with a started server") }
            try OptionCheck.within(devices, 1...10_000_000, "devices")
            try OptionCheck.within(batch, 1...(via == "mllp" ? MLLPIngestBenchmark.rows.count : 100_000), "batch")
            try OptionCheck.within(connections, 1...100_000, "connections")
            try OptionCheck.within(window, 1...10_000, "window")
            try OptionCheck.within(readings, 1...Int.max, "readings")
            try OptionCheck.positive(duration, "duration")
            try OptionCheck.positive(rate, "rate")
            try OptionCheck.within(ceilingRows, 0...10_000_000, "ceiling-rows")
            try OptionCheck.notNegative(trivialSeconds, "trivial-seconds")
            try OptionCheck.notNegative(stall, "stall")
            if stall > 0, via != "mqtt" { throw ValidationError("--stall is for --via mqtt") }
            try OptionCheck.within(nodes, 1...16, "nodes")
            if nodes > 1, postgres == nil { throw ValidationError("--nodes is for several nodes on one database: give --postgres") }
        }

        func run() async throws {
            let log: @Sendable (String) -> Void = { line in
                print(line)
                fflush(nil)
            }
            switch via {
            case "http": break
            case "mqtt":
                var options = MQTTIngestBenchmark.Options()
                options.target = target.target
                options.devices = devices ?? options.devices
                options.batchSize = batch ?? options.batchSize
                options.publishers = connections ?? options.publishers
                options.readings = readings
                options.window = window
                options.stallSeconds = stall
                options.progress = !noProgress
                print(try await MQTTIngestBenchmark(options: options).run(log: log).text)
                return
            case "mllp":
                var options = MLLPIngestBenchmark.Options()
                options.target = target.target
                options.devices = devices ?? options.devices
                options.readingsPerMessage = batch ?? options.readingsPerMessage
                options.connections = connections ?? options.connections
                options.messages = max(1, readings / options.readingsPerMessage)
                options.progress = !noProgress
                print(try await MLLPIngestBenchmark(options: options).run(log: log).text)
                return
            default:
                throw CommandFailure("--via is http, mqtt or mllp")
            }
            let devices = devices ?? 10_000
            let batch = batch ?? 1000
            let connections = connections ?? 64
            var options = IngestBenchmark.Options()
            options.devices = devices
            options.batchSize = batch
            options.readings = readings
            options.duration = duration
            options.rate = rate
            options.ceilingTransactionRows = ceilingRows
            options.trivialSeconds = trivialSeconds
            options.target = target.target
            options.target.nodes = nodes
            options.connections = connections
            options.progress = !noProgress
            var cluster: LocalPostgres?
            if postgres == "local" {
                log("starting a PostgreSQL cluster of the benchmark's own (fsync and synchronous_commit on)…")
                cluster = try await Blocking.run { try LocalPostgres() }
                options.postgres = try await cluster?.createDatabase()
            } else {
                options.postgres = postgres
            }
            defer { cluster?.stop() }
            print(try await IngestBenchmark(options: options).run(log: log).text)
        }
    }

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What the clinical rules cost per committed reading (one core, no I/O).",
            discussion: "Runs the rules engine over batches of patients' vital signs as the analysis does after each commit."
        )

        @Option(help: "Patients.") var patients = 10_000
        @Option(help: "Readings in all.") var readings = 5_000_000
        @Option(help: "Readings per patient per batch.") var batch = 100

        func validate() throws {
            try OptionCheck.within(patients, 1...10_000_000, "patients")
            try OptionCheck.within(readings, 1...Int.max, "readings")
            try OptionCheck.within(batch, 1...1_000_000, "batch")
        }

        func run() throws {
            var options = RulesBenchmark.Options()
            options.patients = patients
            options.readings = readings
            options.batch = batch
            print(RulesBenchmark(options: options).run().text)
        }
    }
}

extension BenchCommand {
    struct Nodes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Two nodes on one PostgreSQL: a commit on one → the event on the other's WebSocket; the takeover when the leader dies.",
            discussion: """
                Starts two vigil serve nodes on the database (or `local`: a cluster the benchmark starts), sends readings one at a time \
                to the first and times their event on a nurse's WebSocket on the second; then kills the first (it leads) and times \
                the alert the second raises for a systolic pressure of 85 mmHg sent to it at once.
                """
        )

        @Option(help: ArgumentHelp("An empty database, or `local`.", valueName: "url")) var postgres = "local"
        @Option(help: "Readings sent one at a time.") var samples = 1000

        func validate() throws {
            try OptionCheck.within(samples, 1...1_000_000, "samples")
        }

        func run() async throws {
            let log: @Sendable (String) -> Void = { line in
                print(line)
                fflush(nil)
            }
            var options = NodesBenchmark.Options()
            options.samples = samples
            var cluster: LocalPostgres?
            if postgres == "local" {
                log("starting a PostgreSQL cluster of the benchmark's own (fsync and synchronous_commit on)…")
                cluster = try await Blocking.run { try LocalPostgres() }
                options.postgres = try await cluster?.createDatabase() ?? ""
            } else {
                options.postgres = postgres
            }
            defer { cluster?.stop() }
            print(try await NodesBenchmark(options: options).run(log: log).text)
        }
    }

    struct Stream: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Committed reading → alert on a WebSocket, under a steady ingest load.",
            discussion: """
                While a fleet sends readings at --rate, probe devices on a ward send a systolic pressure below 90 mmHg and back, \
                one at a time; the time from sending it to the alert event on the ward nurse's /api/stream is measured, \
                during a warm-up (every background patient seen for the first time) and after it, reported apart.
                """
        )

        @OptionGroup var target: TargetOptions
        @Option(help: "Background devices.") var devices = 1000
        @Option(help: "Background readings per second.") var rate = 10_000.0
        @Option(help: "Readings per background request.") var batch = 100
        @Option(help: "Probe patients on the ward.") var probes = 20
        @Option(name: .customLong("probe-every"), help: "Milliseconds between probe readings.") var probeEvery = 50
        @Option(help: "Seconds of load before the measurement (default: every background device sends twice).") var warmup: Double?
        @Option(help: "Seconds measured after the warm-up.") var duration = 30.0
        @Flag(name: .customLong("no-progress"), help: "Do not print progress every second.") var noProgress = false

        func validate() throws {
            try OptionCheck.within(devices, 1...10_000_000, "devices")
            try OptionCheck.positive(rate, "rate")
            try OptionCheck.within(batch, 1...100_000, "batch")
            try OptionCheck.within(probes, 1...100_000, "probes")
            try OptionCheck.within(probeEvery, 1...3_600_000, "probe-every")
            try OptionCheck.positive(duration, "duration")
            try OptionCheck.notNegative(warmup, "warmup")
        }

        func run() async throws {
            var options = StreamBenchmark.Options()
            options.target = target.target
            options.target.connections = 32
            options.devices = devices
            options.rate = rate
            options.batchSize = batch
            options.probes = probes
            options.probeInterval = .milliseconds(probeEvery)
            options.warmup = warmup
            options.duration = duration
            options.progress = !noProgress
            let report = try await StreamBenchmark(options: options).run { line in
                print(line)
                fflush(nil)
            }
            print(report.background.text)
            print(report.text)
        }
    }

    struct Board: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "GET /api/board for a ward of many patients, ranked, as the ward's nurse.",
            discussion:
                "Creates the ward, sends every patient a set of vital signs, waits for the rules, then times the board: its first page (50 lines) and the whole ward in one answer."
        )

        @OptionGroup var target: TargetOptions
        @Option(help: "Patients on the ward.") var patients = 1000
        @Option(help: "Board requests to time.") var requests = 200

        func validate() throws {
            try OptionCheck.within(patients, 1...10_000_000, "patients")
            try OptionCheck.within(requests, 1...10_000_000, "requests")
        }

        func run() async throws {
            var options = BoardBenchmark.Options()
            options.target = target.target
            options.patients = patients
            options.requests = requests
            let report = try await BoardBenchmark(options: options).run { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
        }
    }
}

extension BenchCommand {
    struct Records: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Real patient records (FHIR bundles such as Synthea's) loaded with POST /fhir, as transactions and as batches.",
            discussion:
                "Sends every *.json Bundle of --bundles --rounds times as the transaction it is, then as a batch, over --connections connections, and prints resources stored per second beside the store's own ceiling: the same resources prepared and written straight into a fresh store, one transaction per bundle."
        )

        @OptionGroup var target: TargetOptions
        @Option(help: "A directory of FHIR Bundles (*.json).") var bundles = "Tests/Data/synthea"
        @Option(help: "Times each bundle is sent each way.") var rounds = 3
        @Option(help: "Bundles in flight at once.") var connections = 4

        func validate() throws {
            try OptionCheck.within(rounds, 1...1000, "rounds")
            try OptionCheck.within(connections, 1...1000, "connections")
        }

        func run() async throws {
            var options = RecordsBenchmark.Options()
            options.target = target.target
            options.target.connections = connections
            options.bundles = bundles
            options.rounds = rounds
            let report = try await RecordsBenchmark(options: options).run { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
        }
    }

    struct Cohorts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Outbreak cohorts over a synthetic population: its bulk load, public health's counts and a nurse's ward.",
            discussion:
                "Starts a server, writes --patients synthetic people into its store (vigil simulate population's bulk path), then times GET /api/cohorts for the shipped definitions as public health (everyone) and as a nurse (a ward of --panel), beside GET /health/live in the same run."
        )

        @OptionGroup var target: TargetOptions
        @Option(help: "People in the population.") var patients = 1_000_000
        @Option(help: "Patients on the nurse's ward.") var panel = 2_000
        @Option(help: "Requests timed per cohort.") var requests = 5

        func validate() throws {
            try OptionCheck.within(patients, 1...100_000_000, "patients")
            try OptionCheck.within(panel, 1...100_000, "panel")
            try OptionCheck.within(requests, 1...10_000, "requests")
        }

        func run() async throws {
            var options = CohortBenchmark.Options()
            options.target = target.target
            (options.patients, options.panel, options.requests) = (patients, panel, requests)
            let report = try await CohortBenchmark(options: options).run { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
        }
    }

    struct Research: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Research over a synthetic population: bulk $export of everything and of a project, and a project's aggregates.",
            discussion:
                "Starts a server, writes --patients synthetic people (unless --no-load: a --data that holds them, with its --admin-password) and --readings readings into its store (the bulk path), then times $export of everything as the administrator and of a research project over everyone as its researcher (de-identified), with the server's memory through each, and the project's aggregates; beside writing a file of the export's size, the store reading what each reads, and GET /health/live in the same run."
        )

        @OptionGroup var target: TargetOptions
        @Option(help: "People in the population.") var patients = 100_000
        @Flag(inversion: .prefixedNo, help: "Load the people (--no-load: --data holds them already).") var load = true
        @Flag(inversion: .prefixedNo, help: "Time the exports (--no-exports: the aggregates only).") var exports = true
        @Option(help: "Device readings in the store.") var readings = 1_000_000
        @Option(help: "Aggregate requests timed.") var requests = 5

        func validate() throws {
            try OptionCheck.within(patients, 1...100_000_000, "patients")
            try OptionCheck.within(readings, 0...1_000_000_000, "readings")
            try OptionCheck.within(requests, 1...10_000, "requests")
        }

        func run() async throws {
            var options = ResearchBenchmark.Options()
            options.target = target.target
            (options.patients, options.load, options.exports, options.readings, options.requests) = (patients, load, exports, readings, requests)
            let report = try await ResearchBenchmark(options: options).run { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
        }
    }

    struct Exposures: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Exposure tracing over a synthetic city's location pings, and pings through ingest.",
            discussion:
                "Starts a server, writes --wearers × --days of pings every --interval seconds into its store (the bulk path), times POST /api/exposures for one index over the whole window beside GET /health/live, then has --senders consenting wearers post pings through POST /api/ingest and counts them per second."
        )

        @OptionGroup var target: TargetOptions
        @Option(help: "Wearers in the city.") var wearers = 10_000
        @Option(help: "Days of pings.") var days = 21
        @Option(help: "Seconds between a wearer's pings.") var interval = 300
        @Option(help: "Wearers whose devices send pings through ingest.") var senders = 200
        @Option(help: "Pings per ingest request.") var batch = 100
        @Option(help: "Exposure queries timed.") var requests = 5

        func validate() throws {
            try OptionCheck.within(wearers, 1...1_000_000, "wearers")
            try OptionCheck.within(days, 1...42, "days")
            try OptionCheck.within(interval, 10...86_400, "interval")
            try OptionCheck.within(senders, 1...10_000, "senders")
            try OptionCheck.within(batch, 1...10_000, "batch")
            try OptionCheck.within(requests, 1...10_000, "requests")
        }

        func run() async throws {
            var options = ExposureBenchmark.Options()
            options.target = target.target
            (options.wearers, options.days, options.interval) = (wearers, days, interval)
            (options.senders, options.batch, options.requests) = (senders, batch, requests)
            let report = try await ExposureBenchmark(options: options).run { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
        }
    }

    struct Connections: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "GET /health on new connections while many idle connections are held open.",
            discussion:
                "Times --requests requests, each on a new connection, with no other connection open (the ceiling), then again while --idle connections that send nothing are held open (the started server's idle timeout is raised for the run)."
        )

        @OptionGroup var target: TargetOptions
        @Option(help: "Idle connections to hold open.") var idle = 9_000
        @Option(help: "Requests to time, each way.") var requests = 2_000

        func validate() throws {
            try OptionCheck.within(idle, 0...1_000_000, "idle")
            try OptionCheck.within(requests, 1...10_000_000, "requests")
        }

        func run() async throws {
            var options = ConnectionsBenchmark.Options()
            options.target = target.target
            options.idle = idle
            options.requests = requests
            let report = try await ConnectionsBenchmark(options: options).run { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
        }
    }
}

/// Which server a benchmark loads: one it starts, or a running one.
struct TargetOptions: ParsableArguments {
    @Option(help: "Load an existing server at this URL instead of starting one.") var server: String?
    @Option(name: .customLong("admin-password"), help: "The admin password of --server, or of the admin of an existing --data.")
    var adminPassword: String?
    @Option(name: .customLong("server-pid"), help: "The process id of --server, to report its memory.") var serverPID: Int32?
    @Option(help: "Data directory for the started server (default: a new temporary directory).") var data: String?
    @Option(help: "Run the started server's clinical rules: on or off.") var rules = "on"
    @Option(help: "A clinical policy file for the started server.") var policy: String?

    var target: BenchTarget {
        var target = BenchTarget()
        target.server = server
        target.adminPassword = adminPassword
        target.serverPID = serverPID
        target.dataDirectory = data
        target.serveArguments = ["--rules", rules] + (policy.map { ["--policy", $0] } ?? [])
        return target
    }
}

extension BenchCommand {
    struct Simulator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How many simulated devices one core drives: every built-in scenario, copied, against a server with Mosquitto and MLLP.",
            discussion:
                "Starts vigil serve and Mosquitto, registers the scenarios --copies times, runs the fleet in this process, and after --warm-up seconds measures readings/s and the CPU time of the fleet and of the server for --seconds."
        )

        @OptionGroup var target: TargetOptions
        @Option(help: "Copies of every built-in scenario (17 devices each).") var copies = 300
        @Option(help: "How many times faster physiology and sampling run than the clock.") var speed = 1.0
        @Option(name: .customLong("warm-up"), help: "Seconds before measuring (every device measures within the first minute).") var warmUp = 75
        @Option(help: "Seconds to measure.") var seconds = 60

        func validate() throws {
            try OptionCheck.within(copies, 1...100_000, "copies")
            try OptionCheck.positive(speed, "speed")
            try OptionCheck.within(seconds, 1...Int.max, "seconds")
            try OptionCheck.within(warmUp, 0...Int.max, "warm-up")
        }

        func run() async throws {
            var options = SimulatorBenchmark.Options()
            options.target = target.target
            options.copies = copies
            options.speed = speed
            options.warmUp = .seconds(warmUp)
            options.measure = .seconds(seconds)
            let report = try await SimulatorBenchmark(options: options).run { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
        }
    }
}

extension BenchCommand {
    struct Alarms: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Alarm quality on a virtual clock: false alerts per stable patient-day, how soon deteriorations alert, alerts per episode.",
            discussion: """
                Simulates stable patients (full vital signs, a nurse's entries every 4 hours) and scripted deteriorations into sepsis \
                through the clinical engine and the alert lifecycle, with device artefacts at their rates (probe off, motion, dropped \
                readings, duplicated sends, noise) and a staff that acknowledges after a delay. No wall-clock waits.
                """
        )

        @Option(name: .customLong("patient-days"), help: "Stable patient-days to simulate.") var patientDays = 1000.0
        @Option(name: .customLong("days-per-patient"), help: "Days each stable patient is simulated.") var daysPerPatient = 7.0
        @Option(help: "Scripted deteriorations into sepsis.") var deteriorations = 100
        @Option(help: "Device artefacts: on (the standard rates) or off.") var artefacts = "on"
        @Option(help: "Episodes and band hold: on (the policy's) or off (every condition its own alert, bands left at once).") var episodes = "on"
        @Option(name: .customLong("noise"), help: "Measurement noise, as a multiple of each vital sign's usual variation.") var noise = 1.0
        @Option(name: .customLong("probe-off"), help: "Probes off a finger per device-day (2 minutes each), with artefacts on.")
        var probeOff = ArtefactRates.standard.probeOffPerDay
        @Option(help: "Patient movements per device-day (2 minutes each), with artefacts on.") var motion = ArtefactRates.standard.motionPerDay
        @Option(help: "Devices going silent per device-day (10 minutes each: readings dropped), with artefacts on.")
        var silent = ArtefactRates.standard.silentPerDay
        @Option(help: "Share of uploads sent twice, with artefacts on.") var duplicates = ArtefactRates.standard.duplicateShare
        @Option(help: "A clinical policy document instead of the standard one.") var policy: String?
        @Option(help: "Seed of the simulation.") var seed: UInt64 = 42
        @Flag(help: "Run with artefacts on and off, episodes on and off, and print a line for each.") var compare = false

        func validate() throws {
            try OptionCheck.positive(patientDays, "patient-days")
            try OptionCheck.positive(daysPerPatient, "days-per-patient")
            try OptionCheck.within(deteriorations, 0...1_000_000, "deteriorations")
            for (value, option) in [(noise, "noise"), (probeOff, "probe-off"), (motion, "motion"), (silent, "silent"), (duplicates, "duplicates")] {
                try OptionCheck.notNegative(value, option)
            }
        }

        func run() async throws {
            guard ["on", "off"].contains(artefacts), ["on", "off"].contains(episodes) else {
                throw CommandFailure("--artefacts and --episodes take on or off")
            }
            var options = AlarmBenchmark.Options()
            options.patientDays = patientDays
            options.daysPerPatient = daysPerPatient
            options.deteriorations = deteriorations
            options.seed = seed
            if let policy {
                guard let data = FileManager.default.contents(atPath: policy) else { throw CommandFailure("cannot read \(policy)") }
                options.policy = try ClinicalPolicy.decode(data)
            }
            let rates = ArtefactRates(
                probeOffPerDay: probeOff, probeOffMinutes: ArtefactRates.standard.probeOffMinutes, motionPerDay: motion,
                motionMinutes: ArtefactRates.standard.motionMinutes, silentPerDay: silent, silentMinutes: ArtefactRates.standard.silentMinutes,
                duplicateShare: duplicates, noiseScale: noise)
            options.artefacts = artefacts == "on" ? rates : .none
            options.artefacts.noiseScale = noise
            if episodes == "off" { options.policy.episodes = .none }
            guard compare else {
                print(await AlarmBenchmark(options: options).run().text)
                return
            }
            // The policy's episodes (the standard ones when --episodes off) against none.
            let episodes = options.policy.episodes == .none ? EpisodePolicy.standard : options.policy.episodes
            for (artefactsOn, episodesOn) in [(true, true), (false, true), (true, false), (false, false)] {
                var variant = options
                variant.artefacts = artefactsOn ? rates : .none
                variant.artefacts.noiseScale = noise
                variant.policy.episodes = episodesOn ? episodes : .none
                let report = await AlarmBenchmark(options: variant).run()
                print("artefacts \(artefactsOn ? "on " : "off"), episodes \(episodesOn ? "on " : "off"): \(report.line)")
                fflush(nil)
            }
        }
    }
}
