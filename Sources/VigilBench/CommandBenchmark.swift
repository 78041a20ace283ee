import Foundation
import MQTT
import NIOCore
import NIOHTTP1
import Synchronization
import VigilCore
import VigilSimulator

/// `vigil bench commands`: how long a command takes to reach a device and be accepted. A started
/// server with its own Mosquitto, a ward of vital-signs monitors (the simulator's, each listening
/// on its commands topic) and their nurse, who asks for `measure-now` at a steady rate. The round
/// trip is read from each command's own history: `requested` (stored when the nurse's request
/// was answered) to `accepted` (the device's answer stored), on the server's clock. Beside it,
/// in the same run: one reading's round trip over the same broker (published → committed →
/// acknowledged back to the device), and the server's trivial route.
public struct CommandBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        public var devices = 50
        /// Commands asked for per second, and for how long.
        public var rate: Double = 20
        public var duration: Double = 30
        public init() {}
    }

    public struct Report: Sendable {
        public var options: Options
        public var asked = 0
        var requestedToAccepted = LatencyFigures()
        var requestedToCompleted = LatencyFigures()
        var request = LatencyFigures()
        var readingAck = LatencyFigures()
        var trivial = LatencyFigures()
        public var notAccepted = 0

        public var text: String {
            [
                "Vigil command benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(options.devices) simulated monitors on Mosquitto",
                String(format: "  %d measure-now commands at %.0f/s for %.0f s; %d not accepted", asked, options.rate, options.duration, notAccepted),
                "  requested → accepted (MQTT, the device's answer stored): \(requestedToAccepted.line)",
                "  requested → completed:                                   \(requestedToCompleted.line)",
                "  the nurse's POST (stored, requested):                    \(request.line)",
                "  ceilings, same run:",
                "    one reading over the broker, published → ack received:  \(readingAck.line)",
                "    GET /health/live:                                       \(trivial.line)",
            ].joined(separator: "\n")
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        guard options.target.server == nil else { throw VigilError(.invalid, "the commands benchmark starts its own server and broker") }
        let broker = try LocalBroker()
        var target = options.target
        target.serveArguments += broker.serveArguments
        let server = try await BenchServer.attachOrStart(target, log: log)
        defer { server.stop() }
        let mosquitto = try await broker.start()
        defer { mosquitto.stop() }
        try await Self.waitUntilSubscribed(server)
        let fleet = try await BenchFleet.create(
            on: server, devices: options.devices, prefix: "cmd", type: ["system": "urn:vigil:device-type", "code": "vital-signs-monitor"], log: log)
        let nurse = try await BenchWard.create(on: server, admin: fleet.adminToken, patients: fleet.patientIDs, name: "cmd-ward")
        let devices = (0..<options.devices).map { BenchFleet.deviceID($0, prefix: "cmd") }
        let links = zip(devices, fleet.deviceTokens).map { device, token in
            ActuatorLink(device: device, token: token, host: "127.0.0.1", port: broker.port, actuator: MonitorSettings())
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for link in links { group.addTask { await link.run() } }
            defer { group.cancelAll() }
            let ready = ContinuousClock.now + .seconds(30)
            while !links.allSatisfy(\.isSubscribed) {
                guard ContinuousClock.now < ready else { throw VigilError(.unavailable, "the simulated monitors did not subscribe") }
                try await Task.sleep(for: .milliseconds(100))
            }
            var report = Report(options: options)
            log("asking for \(Int(options.rate)) commands/s for \(Int(options.duration)) s…")
            var ids: [Int64] = []
            let interval = Duration.seconds(1 / options.rate)
            let end = ContinuousClock.now + .seconds(options.duration)
            var next = ContinuousClock.now
            while next < end {
                let start = ContinuousClock.now
                let reply = try await server.request(
                    .POST, "/api/devices/\(devices[ids.count % devices.count])/commands", token: nurse,
                    body: JSON.object(["command": "measure-now"]).serialized())
                report.request.record(ContinuousClock.now - start)
                guard reply.status == .created, let id = reply.json?["id"]?.int64Value else {
                    throw VigilError(.internal, "a command was refused: \(reply.status) \(reply.text)")
                }
                ids.append(id)
                next += interval
                try await Task.sleep(until: next)
            }
            report.asked = ids.count
            try await Task.sleep(for: .seconds(3))
            for id in ids {
                let steps = try await server.request(.GET, "/api/commands/\(id)", token: nurse).json?["history"]?.arrayValue ?? []
                func at(_ state: String) -> Int64? {
                    steps.first { $0["state"]?.stringValue == state }?["at"]?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound
                }
                guard let requested = at("requested"), let accepted = at("accepted") else {
                    report.notAccepted += 1
                    continue
                }
                report.requestedToAccepted.record(milliseconds: Double(accepted - requested))
                if let completed = at("completed") { report.requestedToCompleted.record(milliseconds: Double(completed - requested)) }
            }
            log("measuring the ceilings…")
            report.readingAck = try await Self.readingRoundTrips(
                device: devices[0], token: fleet.deviceTokens[0], port: broker.port, count: Int(options.rate * min(options.duration, 10)))
            report.trivial = try await TrivialRoute.latencies(server, count: Int(options.rate * min(options.duration, 10)), interval: interval)
            return report
        }
    }

    /// Waits until the server says (`/metrics`) it is subscribed on the broker.
    static func waitUntilSubscribed(_ server: BenchServer) async throws {
        for _ in 0..<300 {
            if let metrics = try? await server.request(.GET, "/metrics"), MetricsText.value("vigil_mqtt_connected", in: metrics.text) == 1 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw VigilError(.unavailable, "the server did not connect to the broker")
    }

    /// One reading at a time from `device` over the broker: published → its ack received.
    static func readingRoundTrips(device: String, token: String, port: Int, count: Int) async throws -> LatencyFigures {
        let acks = AsyncStream.makeStream(of: Void.self)
        var session = MQTTConnectionStateMachine.Configuration(
            clientID: "bench-ack-\(device)", filters: ["vigil/devices/\(device)/ack"], username: device, password: Array(token.utf8))
        session.minimumBackoff = 100
        let subscribed = Mutex(false)
        let client = MQTTClient(configuration: .init(host: "127.0.0.1", port: port, session: session)) { event in
            if case .subscribed = event { subscribed.withLock { $0 = true } }
        }
        let running = Task {
            await client.run { publish in
                if let id = publish.packetID { client.accepted(packetID: id) }
                acks.continuation.yield()
            }
        }
        defer { running.cancel() }
        for _ in 0..<100 where !subscribed.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(100)) }
        var figures = LatencyFigures()
        var iterator = acks.stream.makeAsyncIterator()
        for seq in 1...count {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let body: JSON = [
                "boot": "bench-ack",
                "readings": [
                    ["seq": .integer(seq), "time": .string(FHIRDateTime.instant(milliseconds: now)), "code": "8867-4", "value": 72, "unit": "/min"]
                ],
            ]
            let start = ContinuousClock.now
            client.publish(.init(topic: "vigil/devices/\(device)/readings", payload: ByteBuffer(bytes: body.serialized()), qos: .atLeastOnce))
            guard await iterator.next() != nil else { break }
            figures.record(ContinuousClock.now - start)
        }
        return figures
    }
}
