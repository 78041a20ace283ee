import Foundation
import NIOCore
import NIOHTTP1
import VigilCore
import VigilSQLite
import VigilSimulator

/// `vigil bench records`: real patient records (FHIR R4 bundles as EHR exports and Synthea write
/// them) loaded with `POST /fhir`, each bundle once as the transaction it is and once as a batch,
/// beside the store's own ceiling in the same run: the same resources, prepared beforehand (ids,
/// stamps, search index entries) and written straight into a fresh store, one store transaction
/// per bundle, with no HTTP, JSON parsing, validation or reference checks in the way.
public struct RecordsBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        /// A directory of `*.json` Bundles.
        public var bundles = "Tests/Data/synthea"
        /// Times each bundle is sent each way.
        public var rounds = 3
        public init() { target.connections = 4 }
    }

    public struct Report: Sendable {
        public var options: Options
        public var bundles: Int
        public var entries: Int
        /// Resources stored per second: as transactions, as batches, and by the store alone.
        public var transaction: Double
        public var batch: Double
        public var ceiling: Double
        /// Batch entries not answered 2xx (a transaction bundle is all or nothing: any failure stops the run).
        public var batchFailures: Int

        public var text: String {
            [
                "Vigil records benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(bundles) bundles of \(entries) resources, \(options.rounds) rounds each way, \(options.target.connections) connections",
                String(format: "  store ceiling (same resources, one transaction per bundle): %.0f resources/s", ceiling),
                String(format: "  POST /fhir as transactions: %.0f resources/s (%.2f of the ceiling)", transaction, transaction / ceiling),
                String(
                    format: "  POST /fhir as batches:      %.0f resources/s (%.2f of the ceiling), %d entries failed", batch, batch / ceiling,
                    batchFailures),
            ].joined(separator: "\n")
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        let files = try FileManager.default.contentsOfDirectory(atPath: options.bundles).filter { $0.hasSuffix(".json") }.sorted()
        guard !files.isEmpty else { throw VigilError(.invalid, "no *.json bundles in \(options.bundles)") }
        let bundles = try files.map { try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: options.bundles).appendingPathComponent($0)))) }
        let entries = bundles.map { $0["entry"]?.arrayValue?.count ?? 0 }.reduce(0, +)
        log("store ceiling: \(entries) resources in \(bundles.count) transactions, \(options.rounds) rounds…")
        let ceiling = try await Self.ceiling(bundles, rounds: options.rounds)
        let server = try await BenchServer.attachOrStart(options.target, log: log)
        defer { server.stop() }
        let signIn = try await server.request(
            .POST, "/auth/token", body: JSON.object(["username": "admin", "password": .string(server.adminPassword)]).serialized())
        guard let admin = signIn.json?["access_token"]?.stringValue else { throw VigilError(.unauthenticated, "cannot sign in as admin") }
        var rates: [String: (rate: Double, failures: Int)] = [:]
        for kind in ["transaction", "batch"] {
            // Patients' identifiers are unique (HL7 v2 finds patients by them): each round and way
            // sends its own.
            let bodies = (0..<options.rounds).map { round in
                bundles.map { Self.copy($0, as: kind, identifierSuffix: "-\(kind)-\(round)").serialized() }
            }
            log("POST /fhir: \(bundles.count) bundles as \(kind) bundles, \(options.rounds) rounds…")
            let work = (0..<options.rounds).flatMap { round in bundles.indices.map { (round, $0) } }
            let began = ContinuousClock.now
            let failures = try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<options.target.connections {
                    group.addTask {
                        var failures = 0
                        for n in stride(from: worker, to: work.count, by: options.target.connections) {
                            let (round, index) = work[n]
                            let reply = try await server.request(.POST, "/fhir", token: admin, body: bodies[round][index], timeout: .seconds(600))
                            guard reply.status == .ok else {
                                throw VigilError(.internal, "\(files[index]) as a \(kind): \(reply.status) \(reply.text.prefix(500))")
                            }
                            failures += (reply.json?["entry"]?.arrayValue ?? []).count {
                                $0["response"]?["status"]?.stringValue?.hasPrefix("2") != true
                            }
                        }
                        return failures
                    }
                }
                return try await group.reduce(0, +)
            }
            rates[kind] = (Double(entries * options.rounds) / max((ContinuousClock.now - began).seconds, 1e-9), failures)
        }
        return Report(
            options: options, bundles: bundles.count, entries: entries, transaction: rates["transaction"]!.rate, batch: rates["batch"]!.rate,
            ceiling: ceiling, batchFailures: rates["batch"]!.failures)
    }

    /// `bundle` as a Bundle of type `kind`, its Patients' identifier values ending in `suffix`.
    static func copy(_ bundle: JSON, as kind: String, identifierSuffix suffix: String) -> JSON {
        var object = bundle.objectValue ?? JSONObject()
        object["type"] = .string(kind)
        object["entry"] = .array(
            (bundle["entry"]?.arrayValue ?? []).map { entry in
                guard entry["resource"]?["resourceType"] == "Patient", var item = entry.objectValue, var patient = entry["resource"]?.objectValue
                else { return entry }
                patient["identifier"] = .array(
                    (patient["identifier"]?.arrayValue ?? []).map { identifier in
                        guard var id = identifier.objectValue, let value = id["value"]?.stringValue else { return identifier }
                        id["value"] = .string(value + suffix)
                        return .object(id)
                    })
                item["resource"] = .object(patient)
                return .object(item)
            })
        return .object(object)
    }

    /// Resources per second the store alone writes: each bundle's resources given ids, their
    /// `urn:uuid:` references rewritten, prepared and applied in one store transaction.
    static func ceiling(_ bundles: [JSON], rounds: Int) async throws -> Double {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var elapsed = Duration.zero
        var written = 0
        for _ in 0..<rounds {
            for bundle in bundles {
                let items = bundle["entry"]?.arrayValue ?? []
                var ids: [String: String] = [:]
                let typed = items.compactMap { item -> (FHIRResourceType, String, JSON)? in
                    guard let resource = item["resource"], let type = resource["resourceType"]?.stringValue.flatMap(FHIRResourceType.init) else {
                        return nil
                    }
                    let id = UUID().uuidString.lowercased()
                    if let fullUrl = item["fullUrl"]?.stringValue { ids[fullUrl] = "\(type.rawValue)/\(id)" }
                    return (type, id, resource)
                }
                let writes = typed.map { type, id, resource in
                    ResourcePreparation.write(resource.rewritingReferences(ids), type: type, id: id, version: 1, lastUpdated: 0, mode: .create)
                }
                let began = ContinuousClock.now
                _ = try await store.apply([Change(.resources(writes))], sealer: StoreCeiling.NoSeal())
                elapsed += ContinuousClock.now - began
                written += writes.count
            }
        }
        return Double(written) / max(elapsed.seconds, 1e-9)
    }
}
