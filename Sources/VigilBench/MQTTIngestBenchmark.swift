import Foundation
import Histogram
import MQTT
import NIOCore
import NIOHTTP1
import Synchronization
import VigilCore
import VigilSimulator

/// `vigil bench ingest --via mqtt`: readings through a real Mosquitto on loopback into Vigil,
/// each batch timed from PUBLISH to the application ack (which comes after the commit), beside
/// what the broker alone passes through with the same messages.
///
/// 1. Starts `vigil serve --mqtt … --broker-config DIR` and Mosquitto on that configuration.
/// 2. Creates the fleet (patients, devices, tokens) through the API; the broker learns the devices.
/// 3. `publishers` devices each publish batches at QoS 1, at most `window` unacknowledged each.
/// With `stallSeconds`, 5 s into the load the database's write lock is held from outside for that
/// long (``WriteStall``) while the server's write queue holds 20,000 readings, so that the queue
/// fills and the server's deliveries wait; the report says how often it lost the broker meanwhile.
/// 4. Stops Vigil and sends the same number of messages through the broker alone (publishers on
///    the server's account, one subscriber), as the broker's own pass-through rate.
public struct MQTTIngestBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        /// Devices registered (and known to the broker).
        public var devices = 10_000
        /// Devices publishing at once, each on its own connection.
        public var publishers = 64
        public var batchSize = 100
        public var readings = 1_000_000
        /// Batches in flight per publisher.
        public var window = 8
        public var progress = true
        /// Seconds to stall the store for, midway (0: none).
        public var stallSeconds: Double = 0

        public init() {}
    }

    /// What a stall did, from the server's `/metrics` before and after it.
    public struct StallReport: Sendable {
        public var seconds: Double
        /// Deliveries that found the write queue full (each retry counts).
        public var queueFull: Double
        /// Times the server lost its broker connection.
        public var disconnects: Double
    }

    public struct Report: Sendable {
        public var options: Options
        public var acknowledged: Int
        public var accepted: Int
        public var duplicates: Int
        public var rejected: Int
        public var seconds: Double
        public var latencyMicroseconds: (p50: UInt64, p99: UInt64, max: UInt64)
        /// Messages per second through the broker alone.
        public var passThroughMessages: Double
        public var stall: StallReport?

        public var rate: Double { Double(acknowledged) / max(seconds, 1e-9) }

        public var text: String {
            func ms(_ us: UInt64) -> String { String(format: "%.1f ms", Double(us) / 1000) }
            let passThrough = passThroughMessages * Double(options.batchSize)
            return [
                "Vigil MQTT ingest benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, Mosquitto on loopback",
                "  load:        \(options.publishers) devices publishing (\(options.devices) registered), batches of \(options.batchSize), "
                    + "QoS 1, \(options.window) batches in flight each",
                String(
                    format: "  ingest:      %d readings acknowledged in %.2f s = %.0f readings/s (application ack after the commit)", acknowledged,
                    seconds, rate),
                "  outcome:     \(accepted) stored, \(duplicates) duplicates, \(rejected) rejected",
                "  ack latency: p50 \(ms(latencyMicroseconds.p50)), p99 \(ms(latencyMicroseconds.p99)), max \(ms(latencyMicroseconds.max)) (PUBLISH → application ack)",
                String(
                    format: "  broker alone: %.0f messages/s = %.0f readings/s (same messages, %d publishers → 1 subscriber, QoS 1, no Vigil)",
                    passThroughMessages, passThrough, options.publishers),
                String(format: "  ratio:       %.2f of the broker's pass-through", rate / max(passThrough, 1e-9)),
            ].joined(separator: "\n") + (stall.map { "\n" + Self.line($0) } ?? "")
        }

        static func line(_ stall: StallReport) -> String {
            String(
                format:
                    "  stall:       the store's write lock held from outside for %.0f s (write queue 20,000 readings): "
                    + "the queue was found full %.0f times; the server lost the broker %.0f times",
                stall.seconds, stall.queueFull, stall.disconnects)
        }
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        guard options.target.server == nil else { throw VigilError(.invalid, "--via mqtt starts its own server and broker; drop --server") }
        let local = try LocalBroker()
        let (port, directory) = (local.port, local.directory)
        var target = options.target
        target.serveArguments += local.serveArguments
        if options.stallSeconds > 0 { target.serveEnvironment["VIGIL_QUEUE_CAPACITY"] = "20000" }
        let server = try await BenchServer.attachOrStart(target, log: log)
        var broker: ChildProcess?
        defer {
            server.stop()
            broker?.stop()
        }
        broker = try await local.start()
        let fleet = try await BenchFleet.create(on: server, devices: options.devices, log: log)
        try await waitForBroker(server: server, accounts: directory + "/passwords", devices: options.devices, log: log)
        var report = try await load(port: port, fleet: fleet, server: server, log: log)
        let serverKey = try Data(contentsOf: URL(fileURLWithPath: (server.dataDirectory ?? "") + "/keys/broker-server.key"))
        server.stop()
        log("measuring the broker alone…")
        // The server's broker password: its key, base64url (as the server derives it).
        let serverPassword = serverKey.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        report.passThroughMessages = try await passThrough(port: port, serverPassword: serverPassword, fleet: fleet)
        return report
    }

    /// Whether a server's `/metrics` say it is connected to the broker and subscribed.
    static func isSubscribed(_ metrics: String) -> Bool {
        MetricsText.value("vigil_mqtt_connected", in: metrics) == 1
    }

    /// Waits until the broker knows every device and the server is connected.
    private func waitForBroker(server: BenchServer, accounts: String, devices: Int, log: @Sendable (String) -> Void) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let lines = (try? String(contentsOfFile: accounts, encoding: .utf8))?.split(separator: "\n").count ?? 0
            let metrics = try? await server.request(.GET, "/metrics")
            if lines == devices + 1, Self.isSubscribed(metrics?.text ?? "") { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw VigilError(.unavailable, "the broker did not learn the devices, or the server did not connect")
    }

    /// The pre-built payloads of one publisher: batches of heart rates with consecutive seqs.
    private func payloads(batches: Int) -> [ByteBuffer] {
        let time = FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 1000)
        return (0..<batches).map { batch in
            let readings: [JSON] = (0..<options.batchSize).map { i in
                [
                    "seq": .integer(batch * options.batchSize + i + 1), "time": .string(time), "code": "8867-4", "value": .integer(60 + i % 40),
                    "unit": "/min",
                ]
            }
            return ByteBuffer(bytes: JSON.object(["readings": .array(readings)]).serialized())
        }
    }

    private struct Tally {
        var accepted = 0, duplicates = 0, rejected = 0, acknowledged = 0
        var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    }

    private func load(port: Int, fleet: BenchFleet, server: BenchServer, log: @escaping @Sendable (String) -> Void) async throws -> Report {
        let publishers = min(options.publishers, options.devices)
        let batchesEach = max(1, options.readings / options.batchSize / publishers)
        let tally = Shared(Tally())
        log("sending \(batchesEach * publishers * options.batchSize) readings from \(publishers) devices through the broker…")
        let prepared = (0..<publishers).map { _ in payloads(batches: batchesEach) }
        let started = ContinuousClock.now
        let stall = Shared<StallReport?>(nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            if options.stallSeconds > 0 {
                group.addTask {
                    try await Task.sleep(for: .seconds(5))
                    let before = try await Self.counters(server)
                    log("stalling the store for \(Int(options.stallSeconds)) s…")
                    try await WriteStall.hold(database: (server.dataDirectory ?? "") + "/vigil.sqlite", for: .seconds(options.stallSeconds))
                    let after = try await Self.counters(server)
                    log("the store is free again")
                    stall.withLock {
                        $0 = StallReport(
                            seconds: options.stallSeconds, queueFull: after.queueFull - before.queueFull,
                            disconnects: after.disconnects - before.disconnects)
                    }
                }
            }
            for n in 0..<publishers {
                let device = BenchFleet.deviceID(n)
                let window = FlowWindow(size: options.window)
                let sentAt = Shared<[Int64: ContinuousClock.Instant]>([:])
                let done = FlowWindow(size: 0)
                var session = MQTTConnectionStateMachine.Configuration(
                    clientID: "bench-\(device)", filters: ["vigil/devices/\(device)/ack"], username: device,
                    password: Array(fleet.deviceTokens[n].utf8))
                session.keepAlive = 60
                let client = MQTTClient(configuration: .init(host: "127.0.0.1", port: port, session: session))
                let batchSize = options.batchSize
                group.addTask {
                    await withTaskGroup(of: Void.self) { connection in
                        connection.addTask {
                            await client.run { publish in
                                if let id = publish.packetID { client.accepted(packetID: id) }
                                guard let ack = try? JSON.parse(Array(publish.payload.readableBytesView)),
                                    let first = ack["seqs"]?[0]?[0]?.int64Value, let sent = sentAt.withLock({ $0.removeValue(forKey: first) })
                                else { return }
                                let elapsed = ContinuousClock.now - sent
                                tally.withLock { tally in
                                    tally.accepted += Int(ack["accepted"]?.int64Value ?? 0)
                                    tally.duplicates += Int(ack["duplicates"]?.int64Value ?? 0)
                                    tally.rejected += ack["rejected"]?.arrayValue?.count ?? 0
                                    tally.acknowledged += batchSize
                                    tally.latency.record(elapsed.microseconds)
                                }
                                window.release()
                                done.release()
                            }
                        }
                        for (batch, payload) in prepared[n].enumerated() {
                            await window.acquire()
                            sentAt.withLock { $0[Int64(batch * batchSize + 1)] = ContinuousClock.now }
                            client.publish(.init(topic: "vigil/devices/\(device)/readings", payload: payload, qos: .atLeastOnce))
                        }
                        for _ in 0..<prepared[n].count { await done.acquire() }
                        connection.cancelAll()
                    }
                }
            }
            if options.progress {
                group.addTask {
                    var last = 0
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(1))
                        let now = tally.withLock { $0.acknowledged }
                        log("  \(now) readings acknowledged (\(now - last)/s)")
                        last = now
                    }
                }
            }
            for _ in 0..<(publishers + (options.stallSeconds > 0 ? 1 : 0)) { try await group.next() }
            group.cancelAll()
        }
        let seconds = (ContinuousClock.now - started).seconds
        return tally.withLock { tally in
            Report(
                options: options, acknowledged: tally.acknowledged, accepted: tally.accepted, duplicates: tally.duplicates, rejected: tally.rejected,
                seconds: seconds,
                latencyMicroseconds: (tally.latency.valueAtPercentile(50), tally.latency.valueAtPercentile(99), tally.latency.max),
                passThroughMessages: 0, stall: stall.withLock { $0 })
        }
    }

    /// The server's count of deliveries that found the write queue full, and of broker connections lost.
    private static func counters(_ server: BenchServer) async throws -> (queueFull: Double, disconnects: Double) {
        let text = try await server.request(.GET, "/metrics").text
        return (
            MetricsText.value("vigil_ingest_queue_rejections_total", in: text) ?? .nan,
            MetricsText.value("vigil_mqtt_disconnects_total", in: text) ?? .nan
        )
    }

    /// Messages per second through the broker alone: the same payloads published on the server's
    /// account to one device's ack topic, which that device reads.
    private func passThrough(port: Int, serverPassword: String, fleet: BenchFleet) async throws -> Double {
        let publishers = min(options.publishers, options.devices)
        let batchesEach = max(1, options.readings / options.batchSize / publishers)
        let total = batchesEach * publishers
        let device = BenchFleet.deviceID(0)
        let topic = "vigil/devices/\(device)/ack"
        let window = FlowWindow(size: options.window * publishers)
        let received = FlowWindow(size: 0)
        let payload = payloads(batches: 1)[0]
        var session = MQTTConnectionStateMachine.Configuration(
            clientID: "bench-listener", filters: [topic], username: device, password: Array(fleet.deviceTokens[0].utf8))
        session.keepAlive = 60
        let listener = MQTTClient(configuration: .init(host: "127.0.0.1", port: port, session: session))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await listener.run { publish in
                    if let id = publish.packetID { listener.accepted(packetID: id) }
                    window.release()
                    received.release()
                }
            }
            try await Task.sleep(for: .milliseconds(500))  // subscribed
            let started = ContinuousClock.now
            for n in 0..<publishers {
                var session = MQTTConnectionStateMachine.Configuration(
                    clientID: "bench-broker-\(n)", filters: [], username: "vigil-server", password: Array(serverPassword.utf8))
                session.keepAlive = 60
                let client = MQTTClient(configuration: .init(host: "127.0.0.1", port: port, session: session))
                group.addTask {
                    await withTaskGroup(of: Void.self) { connection in
                        connection.addTask { await client.run { _ in } }
                        for _ in 0..<batchesEach {
                            await window.acquire()
                            client.publish(.init(topic: topic, payload: payload, qos: .atLeastOnce))
                        }
                        // The connection stays until the listener has everything (then the group is cancelled).
                    }
                }
            }
            for _ in 0..<total { await received.acquire() }
            let seconds = (ContinuousClock.now - started).seconds
            group.cancelAll()
            return Double(total) / seconds
        }
    }
}

/// A value shared between tasks behind a lock.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }

    func withLock<T>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}
