import Foundation
import Histogram
import NIOCore
import NIOHTTP1
import VigilClinical
import VigilCore
import VigilSQLite
import VigilSimulator

/// `vigil bench research`: a population with its readings written into a started server's store by
/// the bulk path, a research project over all of it, then timed: bulk `$export` of everything (an
/// administrator's) and of the project (a researcher's, de-identified), with the server's resident
/// memory through each, and the project's aggregates; beside the same run's ceilings (writing a
/// file of the export's size, reading every resource and reading from the store, the server's
/// trivial route).
public struct ResearchBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        /// Patients `pop-0` … in the store: loaded unless `load` is false (a data directory that
        /// holds them already).
        public var patients = 100_000
        public var load = true
        /// Whether the exports are timed (with the ceilings of what they read and write).
        public var exports = true
        /// Device readings written (only the number missing when the store has some).
        public var readings = 1_000_000
        /// Aggregate requests timed.
        public var requests = 5
        public init() {}
    }

    public struct Export: Sendable {
        public var label: String
        public var resources: Int
        public var bytes: Int
        public var seconds: Double
        /// The server's resident memory sampled through the export: lowest and highest, bytes.
        public var memory: (low: Int, high: Int)?
        /// What a de-identified export's manifest says it left out.
        public var deidentification: String?
    }

    public struct Report: Sendable {
        public var options: Options
        public var readings: Int
        public var trivial: Double
        /// The first question after the server started, milliseconds: it waits for the population
        /// table the server reads at start, and numbers the project's population.
        public var firstQuestion: Double
        /// Writing a file of the first export's size (bytes/s); reading every resource as an export
        /// does and every heart rate as the aggregates do, from the store in this process (rows/s).
        /// Those of the exports are nil when they were not timed.
        public var ceilings: (write: Double?, resources: Double?, readings: Double)
        public var exports: [Export]
        /// Aggregate requests: p50, p99 and max in milliseconds, and the first cell.
        public var aggregates: [(label: String, p50: Double, p99: Double, max: Double, answer: String)]

        public var text: String {
            func mb(_ bytes: Double) -> String { String(format: "%.1f MB", bytes / 1_048_576) }
            return
                ([
                    "Vigil research benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(options.patients) patients, \(readings) readings",
                    "  ceilings: "
                        + (ceilings.write.map { String(format: "writing a file %.0f MB/s; ", $0 / 1_048_576) } ?? "")
                        + (ceilings.resources.map { String(format: "the store reads every resource %.0f rows/s, ", $0) } ?? "the store reads ")
                        + String(format: "every heart rate %.0f rows/s; GET /health/live p50 %.2f ms", ceilings.readings, trivial),
                ]
                + exports.map { export in
                    String(
                        format: "  %@: %d resources, %@ in %.1f s = %.0f resources/s, %.1f MB/s; server RSS %@", export.label, export.resources,
                        mb(Double(export.bytes)), export.seconds, Double(export.resources) / export.seconds,
                        Double(export.bytes) / 1_048_576 / export.seconds,
                        export.memory.map { "\(mb(Double($0.low)))–\(mb(Double($0.high)))" } ?? "unknown")
                        + (export.deidentification.map { " (\($0))" } ?? "")
                }
                + [String(format: "  the first question after the server started (waits for its population table): %.0f ms", firstQuestion)]
                + aggregates.map { String(format: "  %@: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%@)", $0.label, $0.p50, $0.p99, $0.max, $0.answer) })
                .joined(separator: "\n")
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    static let device = "bench-research-device"
    static let group = "bench-research"

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        guard options.target.server == nil else { throw VigilError(.invalid, "bench research starts its own server: it loads into its store") }
        let server = try await BenchServer.attachOrStart(options.target, log: log)
        defer { server.stop() }
        guard let directory = server.dataDirectory else { throw VigilError(.internal, "the started server has no data directory") }
        let store = try SQLiteStore(path: directory + "/vigil.sqlite")
        defer { try? store.close() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        if options.load {
            log("loading \(options.patients) patients through the store's bulk path…")
            let loader = PopulationLoader(generator: PopulationGenerator(seed: 1, now: now))
            try await loader.load(
                0..<options.patients, into: store, sealer: StoreCeiling.NoSeal(), audit: { _ in nil },
                progress: { total in if total.patients % 100_000 < loader.batch { log("  \(total.patients) patients") } })
        }
        let readings = try await writeReadings(store, now: now, log: log)
        try await writeGroup(store, now: now, log: log)

        let admin = try await server.http.signIn("admin", server.adminPassword)
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let password = "bench-" + UUID().uuidString
        let researcher = "bench-researcher-\(run)"
        let created = try await server.http.request(
            .POST, "/api/users", token: admin, json: ["username": .string(researcher), "password": .string(password), "role": "researcher"])
        guard created.status == .created else { throw VigilError(.internal, "creating the researcher failed: \(created.status)") }
        let project = "bench-\(run)"
        let study: JSON = [
            "resourceType": "ResearchStudy", "id": .string(project), "status": "active", "title": "Benchmark", "identifier": [["value": "BENCH"]],
            "period": ["end": "2099-12-31"], "enrollment": [["reference": .string("Group/\(Self.group)")]],
            "extension": [
                ["url": .string(ResearchProject.typeExtension), "valueCode": "Patient"],
                ["url": .string(ResearchProject.typeExtension), "valueCode": "Observation"],
                ["url": .string(ResearchProject.typeExtension), "valueCode": "Condition"],
                ["url": .string(ResearchProject.typeExtension), "valueCode": "Immunization"],
                ["url": .string(ResearchProject.researcherExtension), "valueString": .string(researcher)],
            ],
        ]
        let put = try await server.request(.PUT, "/fhir/ResearchStudy/\(project)", token: admin, body: study.serialized())
        guard put.status == .created else { throw VigilError(.internal, "creating the project failed: \(put.status) \(put.text.prefix(300))") }
        // Each step signs in anew: a step can outlast a token.
        let signIn = { (username: String, password: String) in try await server.http.signIn(username, password) }

        // Asked first, so that the ceilings are not measured while the server reads its table.
        log("asking the first question…")
        let firstQuestion = try await time(
            "/api/research/\(project)/aggregates?code=8867-4", token: try await signIn(researcher, password), server: server, requests: 1
        ).max
        log("measuring the ceilings…")
        let trivial = try await time("/health/live", token: nil, server: server, requests: 200).p50
        let (resourceRate, readingRate) = try await storeCeilings(store, resources: options.exports)
        log(String(format: "  the store reads every heart rate at %.0f rows/s", readingRate))
        var (exports, write): ([Export], Double?) = ([], nil)
        if options.exports {
            exports.append(
                try await export(
                    "$export of everything (administrator)", "/fhir/$export", token: try await signIn("admin", server.adminPassword),
                    server: server, log: log))
            write = try writeCeiling(bytes: exports[0].bytes, in: directory)
            exports.append(
                try await export(
                    "$export of the project (researcher, de-identified)", "/fhir/$export?project=\(project)",
                    token: try await signIn(researcher, password), server: server, log: log))
        }
        var aggregates: [(String, Double, Double, Double, String)] = []
        for (label, path) in [
            ("aggregates, heart rate by age and sex", "/api/research/\(project)/aggregates?code=8867-4&by=age,sex"),
            ("aggregates, SpO2 by month, share 94-100", "/api/research/\(project)/aggregates?code=59408-5&by=month&range=94,100"),
        ] {
            log("timing \(label)…")
            let timed = try await time(path, token: try await signIn(researcher, password), server: server, requests: options.requests)
            aggregates.append((label, timed.p50, timed.p99, timed.max, timed.answer))
        }
        return Report(
            options: options, readings: readings, trivial: trivial, firstQuestion: firstQuestion, ceilings: (write, resourceRate, readingRate),
            exports: exports,
            aggregates: aggregates)
    }

    /// Writes the readings the store lacks of `options.readings`: heart rate and SpO2 in turn, for
    /// each patient in turn, over the last 90 days, from one device; the number the store holds.
    private func writeReadings(_ store: SQLiteStore, now: Int64, log: @Sendable (String) -> Void) async throws -> Int {
        let held = Int(try await store.newestReadingID())
        guard held < options.readings else { return held }
        if try await store.resource(.device, id: Self.device) == nil {
            try await apply(
                store,
                [ResourcePreparation.write(["resourceType": "Device"], type: .device, id: Self.device, version: 1, lastUpdated: now, mode: .create)])
        }
        log("writing \(options.readings - held) readings through the store's bulk path…")
        let batch = 50_000
        for start in stride(from: held, to: options.readings, by: batch) {
            let readings = (start..<min(start + batch, options.readings)).map { i in
                let heart = i % 2 == 0
                let time = now - Int64(i % (90 * 86_400)) * 1000
                return Reading(
                    key: ProducerKey(device: Self.device, boot: "b", seq: Int64(i)), patient: "pop-\(i / 2 % options.patients)",
                    code: heart ? "8867-4" : "59408-5", value: heart ? Double(50 + i * 7919 % 70) : Double(88 + i * 104_729 % 12),
                    unit: heart ? "/min" : "%", time: time, received: time)
            }
            let applied = try await store.apply([Change(.readings(IngestCommit(readings: readings)))], sealer: StoreCeiling.NoSeal())
            if case .failure(let error) = applied.outcomes.first { throw error }
            if (start + batch) % 1_000_000 < batch { log("  \(start + batch) readings") }
        }
        return options.readings
    }

    /// The Group of every patient: the project's population.
    private func writeGroup(_ store: SQLiteStore, now: Int64, log: @Sendable (String) -> Void) async throws {
        guard try await store.resource(.group, id: Self.group) == nil else { return }
        log("writing the study Group of \(options.patients) members…")
        let group: JSON = [
            "resourceType": "Group", "type": "person", "actual": true,
            "member": .array((0..<options.patients).map { ["entity": ["reference": .string("Patient/pop-\($0)")]] }),
        ]
        try await apply(store, [ResourcePreparation.write(group, type: .group, id: Self.group, version: 1, lastUpdated: now, mode: .create)])
    }

    private func apply(_ store: SQLiteStore, _ writes: [ResourceWrite]) async throws {
        let applied = try await store.apply([Change(.resources(writes))], sealer: StoreCeiling.NoSeal())
        if case .failure(let error) = applied.outcomes.first { throw error }
    }

    /// Runs an export to its end, sampling the server's memory each second.
    private func export(_ label: String, _ path: String, token: String, server: BenchServer, log: @Sendable (String) -> Void) async throws -> Export {
        log("timing \(label)…")
        let start = ContinuousClock.now
        let kickOff = try await server.http.request(.GET, path, token: token, headers: ["Prefer": "respond-async"])
        guard kickOff.status == .accepted, let location = kickOff.headers["Content-Location"].first,
            let statusPath = location.range(of: "/fhir/").map({ String(location[$0.lowerBound...]) })
        else { throw VigilError(.internal, "\(path): \(kickOff.status) \(kickOff.text.prefix(300))") }
        var memory: (low: Int, high: Int)?
        while true {
            if let now = server.memory()?.current { memory = (min(memory?.low ?? now, now), max(memory?.high ?? now, now)) }
            let status = try await server.request(.GET, statusPath, token: token)
            if status.status == .ok {
                let seconds = (ContinuousClock.now - start) / .seconds(1)
                let outputs = status.json?["output"]?.arrayValue ?? []
                let job = String(statusPath.split(separator: "/").last ?? "")
                let bytes = outputs.compactMap { output -> Int? in
                    guard let file = output["url"]?.stringValue?.split(separator: "/").last else { return nil }
                    let path = server.dataDirectory! + "/exports/\(job)/\(file)"
                    return (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
                }.reduce(0, +)
                let resources = outputs.compactMap { $0["count"]?.int64Value }.reduce(0, +)
                _ = try await server.request(.DELETE, statusPath, token: token)
                log(String(format: "  %d resources, %.1f MB in %.1f s", resources, Double(bytes) / 1_048_576, seconds))
                let deidentification = status.json?["extension"]?["deidentification"].map { summary in
                    ["patients", "patientsSuppressed", "resourcesSuppressed", "patientsRefusingResearch"]
                        .map { "\($0) \(summary[$0]?.int64Value ?? 0)" }.joined(separator: ", ")
                }
                return Export(
                    label: label, resources: Int(resources), bytes: bytes, seconds: seconds, memory: memory, deidentification: deidentification)
            }
            guard status.status == .accepted else { throw VigilError(.internal, "\(statusPath): \(status.status) \(status.text.prefix(300))") }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// Writing `bytes` to a file in `directory` and syncing it, bytes per second.
    private func writeCeiling(bytes: Int, in directory: String) throws -> Double {
        let path = directory + "/write-ceiling"
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw VigilError(.internal, "cannot write \(path)")
        }
        let chunk = Data(repeating: 0x7B, count: 1 << 20)
        let start = ContinuousClock.now
        for _ in 0..<max(1, bytes >> 20) { try handle.write(contentsOf: chunk) }
        try handle.synchronize()
        try handle.close()
        return Double(max(1, bytes >> 20) << 20) / ((ContinuousClock.now - start) / .seconds(1))
    }

    /// What the export and the aggregates read, read from the store alone in this process, rows per
    /// second: every current resource of every type (and the readings, as Observations) page by
    /// page as an export reads them (when `resources`), and every heart rate as the aggregates read it.
    private func storeCeilings(_ store: SQLiteStore, resources: Bool) async throws -> (resources: Double?, readings: Double) {
        var start = ContinuousClock.now
        var rows = 0
        for type in resources ? FHIRResourceType.allCases : [] {
            var cursor: ExportCursor? = .start
            while let at = cursor {
                let page = try await store.exportPage(type, after: at, since: nil, limit: 1000)
                (rows, cursor) = (rows + page.resources.count, page.next)
            }
        }
        let resourceRate = resources ? Double(rows) / ((ContinuousClock.now - start) / .seconds(1)) : nil
        (start, rows) = (ContinuousClock.now, 0)
        // As the aggregates read them: in parts side by side, handed over in turn.
        try await ValueReading(store: store, code: "8867-4").forEachPage { rows += $0.count }
        return (resourceRate, Double(rows) / ((ContinuousClock.now - start) / .seconds(1)))
    }

    /// p50, p99 and max of `requests` requests in milliseconds, and the first cell of the last answer.
    private func time(_ path: String, token: String?, server: BenchServer, requests: Int) async throws -> (
        p50: Double, p99: Double, max: Double, answer: String
    ) {
        var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var answer = ""
        for _ in 0..<requests {
            let start = ContinuousClock.now
            let reply = try await server.request(.GET, path, token: token, timeout: .seconds(600))
            _ = histogram.record(UInt64(max(1, (ContinuousClock.now - start) / .microseconds(1))))
            guard reply.status == .ok else { throw VigilError(.internal, "\(path): \(reply.status) \(reply.text.prefix(300))") }
            answer = reply.json?["cells"]?[0]?.text ?? ""
        }
        return (
            Double(histogram.valueAtPercentile(50)) / 1000, Double(histogram.valueAtPercentile(99)) / 1000, Double(histogram.max) / 1000, answer
        )
    }
}
