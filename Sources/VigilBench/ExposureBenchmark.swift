import Foundation
import Histogram
import NIOCore
import NIOHTTP1
import VigilClinical
import VigilCore
import VigilSQLite
import VigilSimulator

/// `vigil bench exposures`: a synthetic city of wearers pinging every few minutes for weeks,
/// written into a started server's store by the bulk path, then `POST /api/exposures` timed for
/// one index beside the same server's trivial route; and location pings sent through
/// `POST /api/ingest` by consenting wearers' devices, counted per second.
///
/// The city: households of three share a home; every wearer spends 08:00–16:00 UTC at one of a
/// few hundred daytime places (a school, an office) and the rest at home, each ping within 10 m of
/// where they are.
public struct ExposureBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        public var wearers = 10_000
        public var days = 21
        /// Seconds between a wearer's pings.
        public var interval = 300
        /// Wearers whose devices send pings through ingest.
        public var senders = 200
        /// Pings per ingest request.
        public var batch = 100
        public var requests = 5
        public init() {}
    }

    public struct Report: Sendable {
        public var options: Options
        public var pings: Int
        public var loadSeconds: Double
        public var trivial: Double
        public var query: (p50: Double, max: Double)
        public var contacts: Int
        public var read: (index: Int, neighbourhood: Int)
        public var ingest: (pings: Int, seconds: Double)

        public var text: String {
            [
                "Vigil exposures benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(options.wearers) wearers × \(options.days) days, a ping every \(options.interval) s (\(pings) pings)",
                String(format: "  bulk load: %.0f pings/s (%.0f s)", Double(pings) / loadSeconds, loadSeconds),
                String(format: "  ceiling: GET /health/live p50 %.2f ms", trivial),
                String(
                    format:
                        "  POST /api/exposures, one index over the whole window: p50 %.0f ms, max %.0f ms (%d contacts; %d index pings, %d pings of its neighbourhood read)",
                    query.p50, query.max, contacts, read.index, read.neighbourhood),
                String(
                    format: "  location pings through POST /api/ingest: %.0f pings/s (%d wearers, %d pings a request, %d pings)",
                    Double(ingest.pings) / ingest.seconds, options.senders, options.batch, ingest.pings),
            ].joined(separator: "\n")
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    /// Where wearer `n` is at `time`: home, shared by households of three, or their daytime place.
    static func position(of wearer: Int, at time: Int64, places: Int, jitter: inout SplitMix) -> GeoPosition {
        let hour = (time % 86_400_000) / 3_600_000
        let (anchor, spread): (Int, Double) = (8..<16).contains(hour) ? (100_000 + wearer % places, 0.02) : (wearer / 3, 0.08)
        var seeded = SplitMix(UInt64(anchor))
        let latitude = 42.30 + seeded.unit() * spread
        let longitude = -71.10 + seeded.unit() * spread
        return GeoPosition(
            latitude: latitude + (jitter.unit() - 0.5) * 0.00018, longitude: longitude + (jitter.unit() - 0.5) * 0.00024, accuracy: 8)
    }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        guard options.target.server == nil else { throw VigilError(.invalid, "bench exposures starts its own server: it loads into its store") }
        let server = try await BenchServer.attachOrStart(options.target, log: log)
        defer { server.stop() }
        guard let directory = server.dataDirectory else { throw VigilError(.internal, "the started server has no data directory") }
        let store = try SQLiteStore(path: directory + "/vigil.sqlite", writerCacheMegabytes: 2048)
        let day: Int64 = 86_400_000
        let end = Int64(Date().timeIntervalSince1970 * 1000) / 60_000 * 60_000
        let start = end - Int64(options.days) * day
        let places = max(1, options.wearers / 40)
        let step = Int64(options.interval) * 1000

        // Every wearer a patient who consents to keeping their whereabouts: the server erases the
        // pings of anyone else (on its first review, and hourly).
        log("registering \(options.wearers) wearers and their consents…")
        let registrar = try await server.http.signIn("admin", server.adminPassword)
        for first in stride(from: 0, to: options.wearers, by: 500) {
            let entries = (first..<min(first + 500, options.wearers)).flatMap { wearer in
                [BenchWard.entry("Patient", "wearer-\(wearer)", ["name": [["family": "Wearer"]]]), Self.consent(of: "wearer-\(wearer)")]
            }
            try await Self.post(entries, to: server, token: registrar)
        }
        log("loading \(options.wearers) wearers × \(options.days) days of pings through the store's bulk path…")
        let began = ContinuousClock.now
        var jitter = SplitMix(7)
        var batch: [LocationPing] = []
        var pings = 0
        var time = start
        // Four hours of everyone's pings a transaction: each wearer's leaf pages of the key and
        // patient indexes are then written about once a transaction, not once a ping.
        let perTransaction = max(50_000, options.wearers * 48)
        while time < end {
            for wearer in 0..<options.wearers {
                // Each wearer's clock is a little off the others', as phones' are.
                let at = time + Int64(wearer % 60) * 1000
                batch.append(
                    LocationPing(
                        key: ProducerKey(device: "wearer-\(wearer)", boot: "b", seq: (time - start) / step), patient: "wearer-\(wearer)", time: at,
                        position: Self.position(of: wearer, at: at, places: places, jitter: &jitter), place: nil, received: at))
            }
            if batch.count >= perTransaction || time + step >= end {
                _ = try await store.apply([Change(.readings(IngestCommit(pings: batch)))], sealer: StoreCeiling.NoSeal())
                pings += batch.count
                batch.removeAll(keepingCapacity: true)
            }
            if (time - start) % day == 0 { log("  day \((time - start) / day + 1)") }
            time += step
        }
        let loadSeconds = (ContinuousClock.now - began) / .seconds(1)
        try store.close()

        // Signed in after the load, which outlasts a token.
        let admin = try await server.http.signIn("admin", server.adminPassword)
        // The wearers who send through ingest, with their watches.
        var entries: [JSON] = []
        for sender in 0..<options.senders {
            let id = "sender-\(sender)"
            entries.append(BenchWard.entry("Patient", id, ["name": [["family": "Sender"]]]))
            entries.append(Self.consent(of: id))
            entries.append(
                BenchWard.entry(
                    "Device", "\(id)-watch",
                    [
                        "status": "active",
                        "patient": [
                            "reference": .string("Patient/\(id)"),
                            "extension": [
                                [
                                    "url": .string(DeviceLinkHistory.sinceExtension),
                                    "valueDateTime": .string(FHIRDateTime.instant(milliseconds: end - day)),
                                ]
                            ],
                        ],
                    ]))
        }
        try await Self.post(entries, to: server, token: admin)
        let password = "bench-" + UUID().uuidString
        _ = try await server.http.request(
            .POST, "/api/users", token: admin, json: ["username": "bench-ph", "password": .string(password), "role": "public-health"])
        let officer = try await server.http.signIn("bench-ph", password)

        let trivial = try await Self.median(200) { _ = try await server.request(.GET, "/health/live") }
        var contacts = 0
        let body = JSON.object([
            "index": "Patient/wearer-0", "from": .string(FHIRDateTime.instant(milliseconds: start)),
            "to": .string(FHIRDateTime.instant(milliseconds: end)), "distanceMeters": 10, "minutes": 15, "reason": "vigil bench exposures",
        ]).serialized()
        log("timing POST /api/exposures…")
        var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        for _ in 0..<options.requests {
            let began = ContinuousClock.now
            let reply = try await server.request(.POST, "/api/exposures", token: officer, body: body, timeout: .seconds(600))
            _ = histogram.record(UInt64(max(1, (ContinuousClock.now - began) / .microseconds(1))))
            guard reply.status == .ok else { throw VigilError(.internal, "/api/exposures: \(reply.status) \(reply.text.prefix(300))") }
            contacts = reply.json?["contacts"]?.arrayValue?.count ?? 0
        }
        // What the query reads, in this process.
        let reader = try SQLiteStore(path: directory + "/vigil.sqlite")
        let index = try await reader.pings(patient: "wearer-0", from: start, to: end)
        let neighbourhood = try await reader.pings(in: ExposureTracing(index: index, distance: 10).neighbourhood).count
        try reader.close()

        log("sending pings through ingest…")
        let sent = try await ingest(server: server, admin: admin, end: end)
        return Report(
            options: options, pings: pings, loadSeconds: loadSeconds, trivial: trivial,
            query: (Double(histogram.valueAtPercentile(50)) / 1000, Double(histogram.max) / 1000), contacts: contacts,
            read: (index.count, neighbourhood), ingest: sent)
    }

    /// A patient's active consent to keeping their whereabouts (``LocationConsent``).
    private static func consent(of patient: String) -> JSON {
        BenchWard.entry(
            "Consent", "\(patient)-consent",
            [
                "status": "active",
                "scope": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"]]],
                "category": [["coding": [["system": .string(LocationConsent.system), "code": .string(LocationConsent.code)]]]],
                "patient": ["reference": .string("Patient/\(patient)")], "provision": ["type": "permit"],
            ])
    }

    /// Creates `entries` in one transaction bundle.
    private static func post(_ entries: [JSON], to server: BenchServer, token: String) async throws {
        let bundle = try await server.request(
            .POST, "/fhir", token: token,
            body: JSON.object(["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)]).serialized(), timeout: .seconds(300))
        guard bundle.status == .ok else { throw VigilError(.internal, "creating the wearers failed: \(bundle.status) \(bundle.text.prefix(300))") }
    }

    /// Every sender's device posts pings in batches, all at once; returns the pings stored and the seconds it took.
    private func ingest(server: BenchServer, admin: String, end: Int64) async throws -> (pings: Int, seconds: Double) {
        var tokens: [String] = []
        for sender in 0..<options.senders {
            let reply = try await server.request(.POST, "/api/devices/sender-\(sender)-watch/credentials", token: admin)
            guard let token = reply.json?["token"]?.stringValue else { throw VigilError(.internal, "no device token: \(reply.status)") }
            tokens.append(token)
        }
        let rounds = 20
        let began = ContinuousClock.now
        let stored = try await withThrowingTaskGroup(of: Int.self) { group in
            for (sender, token) in tokens.enumerated() {
                group.addTask {
                    var stored = 0
                    for round in 0..<rounds {
                        let readings: [JSON] = (0..<options.batch).map { n in
                            let seq = round * options.batch + n
                            return [
                                "seq": .integer(seq), "time": .string(FHIRDateTime.instant(milliseconds: end - 3_600_000 + Int64(seq) * 1000)),
                                "position": ["latitude": .double(42.3 + Double(sender) * 0.0001), "longitude": .double(-71.06), "accuracy": 5],
                            ]
                        }
                        let reply = try await server.request(
                            .POST, "/api/ingest", token: token, body: JSON.object(["readings": .array(readings)]).serialized())
                        stored += Int(reply.json?["accepted"]?.int64Value ?? 0)
                    }
                    return stored
                }
            }
            return try await group.reduce(0, +)
        }
        return (stored, (ContinuousClock.now - began) / .seconds(1))
    }

    /// The median of `count` runs of `body`, in milliseconds.
    private static func median(_ count: Int, _ body: () async throws -> Void) async throws -> Double {
        var times: [Double] = []
        for _ in 0..<count {
            let began = ContinuousClock.now
            try await body()
            times.append((ContinuousClock.now - began) / .microseconds(1) / 1000)
        }
        return times.sorted()[count / 2]
    }
}

/// A small deterministic generator (SplitMix64) for the synthetic city.
struct SplitMix: Sendable {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
