import Foundation
import Histogram
import NIOCore
import NIOHTTP1
import VigilClinical
import VigilCore
import VigilSQLite
import VigilSimulator

/// `vigil bench cohorts`: a synthetic population written into a started server's store by the
/// bulk path (``PopulationLoader``), then `GET /api/cohorts/{name}` timed as public health (counts
/// over everyone) and as a nurse (a ward's panel), beside the same server's trivial route; and
/// in this process, the population table read whole and the influenza counts over it.
public struct CohortBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        public var patients = 1_000_000
        /// Patients on the nurse's ward.
        public var panel = 2_000
        /// Requests timed per route.
        public var requests = 5
        public init() {}
    }

    public struct Timing: Sendable {
        public var label: String
        public var milliseconds: (p50: Double, max: Double)
        public var answer: String
    }

    public struct Report: Sendable {
        public var options: Options
        public var resources: Int
        public var loadSeconds: Double
        public var trivial: Double
        public var timings: [Timing]
        /// In this process: the population table read whole (milliseconds, people, resident
        /// memory it added in bytes), and the influenza counts over it.
        public var split: (read: Double, evaluate: Double, records: Int, memory: Int)

        public var text: String {
            ([
                "Vigil cohorts benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(options.patients) patients (\(resources) resources), a ward of \(options.panel)",
                String(
                    format: "  bulk load: %.0f patients/s, %.0f resources/s (%.0f s)", Double(options.patients) / loadSeconds,
                    Double(resources) / loadSeconds, loadSeconds),
                String(format: "  ceiling: GET /health/live p50 %.2f ms", trivial),
            ]
                + timings.map { String(format: "  %@: p50 %.0f ms, max %.0f ms (%@)", $0.label, $0.milliseconds.p50, $0.milliseconds.max, $0.answer) }
                + [
                    String(
                        format:
                            "  in process: the population table read whole %.0f ms (%d people, %.0f MB more resident), influenza counted over it %.0f ms",
                        split.read, split.records, Double(split.memory) / 1_048_576, split.evaluate)
                ]).joined(separator: "\n")
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        guard options.target.server == nil else { throw VigilError(.invalid, "bench cohorts starts its own server: it loads into its store") }
        let server = try await BenchServer.attachOrStart(options.target, log: log)
        defer { server.stop() }
        guard let directory = server.dataDirectory else { throw VigilError(.internal, "the started server has no data directory") }
        let store = try SQLiteStore(path: directory + "/vigil.sqlite")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let loader = PopulationLoader(generator: PopulationGenerator(seed: 1, now: now))
        log("loading \(options.patients) patients through the store's bulk path…")
        let began = ContinuousClock.now
        let loaded = try await loader.load(
            0..<options.patients, into: store, sealer: StoreCeiling.NoSeal(), audit: { _ in nil },
            progress: { total in if total.patients % 100_000 < loader.batch { log("  \(total.patients) patients") } })
        let loadSeconds = (ContinuousClock.now - began) / .seconds(1)
        // Signed in after the load, which outlasts a token.
        let admin = try await server.http.signIn("admin", server.adminPassword)
        let nurse = try await BenchWard.create(on: server, admin: admin, patients: (0..<min(options.panel, options.patients)).map { "pop-\($0)" })
        let password = "bench-" + UUID().uuidString
        let created = try await server.http.request(
            .POST, "/api/users", token: admin, json: ["username": "bench-ph", "password": .string(password), "role": "public-health"])
        guard created.status == .created else { throw VigilError(.internal, "creating the public-health user failed: \(created.status)") }
        let publicHealth = try await server.http.signIn("bench-ph", password)
        let trivial = try await time("GET /health/live", "/health/live", token: nil, server: server, requests: 200)
        // The load changed more patients than the server catches up with one by one: the first
        // count reads its table whole, as a server does when it starts.
        log("timing the first count after the load…")
        var timings = [
            try await time(
                "public health, influenza, the first after the load", "/api/cohorts/influenza", token: publicHealth, server: server, requests: 1)
        ]
        for (label, path, token) in [
            ("public health, influenza, everyone", "/api/cohorts/influenza", publicHealth),
            ("public health, COVID-19, everyone", "/api/cohorts/covid-19", publicHealth),
            ("public health, measles, everyone", "/api/cohorts/measles", publicHealth),
            ("public health, unvaccinated-high-risk (CVX 140), everyone", "/api/cohorts/unvaccinated-high-risk?vaccine=140", publicHealth),
            ("nurse, influenza, ward of \(options.panel)", "/api/cohorts/influenza?_count=\(options.panel)", nurse),
        ] {
            log("timing \(label)…")
            timings.append(try await time(label, path, token: token, server: server, requests: options.requests))
        }
        log("splitting the influenza answer in process…")
        let readStart = ContinuousClock.now
        let before = BenchServer.memory(of: "self")?.current ?? 0
        let table = try await store.populationTable()
        let read = (ContinuousClock.now - readStart) / .milliseconds(1)
        let memory = (BenchServer.memory(of: "self")?.current ?? 0) - before
        let evaluateStart = ContinuousClock.now
        _ = CohortDefinition.influenza.tally(table, at: now).cells
        let evaluate = (ContinuousClock.now - evaluateStart) / .milliseconds(1)
        try store.close()
        return Report(
            options: options, resources: loaded.resources, loadSeconds: loadSeconds, trivial: trivial.milliseconds.p50, timings: timings,
            split: (read, evaluate, table.count, memory))
    }

    /// Median and worst of `requests` requests, and what the last one answered.
    private func time(_ label: String, _ path: String, token: String?, server: BenchServer, requests: Int) async throws -> Timing {
        var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var answer = ""
        for _ in 0..<requests {
            let start = ContinuousClock.now
            let reply = try await server.request(.GET, path, token: token, timeout: .seconds(600))
            let elapsed = ContinuousClock.now - start
            guard reply.status == .ok else { throw VigilError(.internal, "\(path): \(reply.status) \(reply.text.prefix(300))") }
            _ = histogram.record(UInt64(max(1, elapsed / .microseconds(1))))
            if let total = reply.json?["total"] { answer = "total \(total.numberText ?? total.stringValue ?? "?")" }
        }
        return Timing(
            label: label, milliseconds: (Double(histogram.valueAtPercentile(50)) / 1000, Double(histogram.max) / 1000), answer: answer)
    }
}
