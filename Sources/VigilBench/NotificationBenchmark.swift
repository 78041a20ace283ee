import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import VigilCore
import VigilSimulator

/// `vigil bench notifications`: how soon an alert step reaches the systems and people told of it
/// beyond the dashboard, and how fast the outbox catches up after its receivers were down. A
/// started server, a local HTTPS webhook receiver and a local mail server (the Python ones of the
/// tests), and a ward whose nurse is told by e-mail. Probe patients' systolic pressure goes below
/// 90 mmHg and back, one at a time at `rate`: every transition is one webhook call and one e-mail.
/// Latency is from the step's own time (its `at`, the server's clock) to the receiver accepting it.
/// Then both receivers refuse everything while `backlog` transitions are made as fast as they
/// can be and for `outage` seconds after; once they accept again, the time until the last
/// message of the backlog is in, and the rate while it comes in.
public struct NotificationBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        public var probes = 100
        /// Alert transitions per second (each a webhook call and an e-mail), and for how long.
        public var rate: Double = 50
        public var duration: Double = 30
        /// Transitions made during the outage, and how long the receivers stay down after them.
        public var backlog = 5_000
        public var outage: Double = 60
        public init() { target.connections = 16 }
    }

    public struct Report: Sendable {
        public var options: Options
        var webhook = LatencyFigures()
        var email = LatencyFigures()
        public var delivered = 0
        var receiverDirect = LatencyFigures()
        var trivial = LatencyFigures()
        public var backlogMessages = 0
        public var drainSeconds = 0.0
        public var drainRate = 0.0
        public var peakRate = 0
        /// How long the receivers were down, all told (the backlog's making and the outage after it).
        public var downSeconds = 0.0
        /// A burst with the receivers up: the messages it made, and how fast the outbox delivered them.
        public var burstMessages = 0
        public var burstRate = 0.0
        public var burstPeak = 0
        var burstLatency = LatencyFigures()
        /// The most delivery attempts refused in one second while they were down.
        public var peakRefused = 0
        public var firstAfter = 0.0
        public var undelivered = 0

        public var text: String {
            [
                "Vigil notification benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores",
                String(
                    format: "  %.0f alert transitions/s for %.0f s, each a webhook call and an e-mail: %.0f notifications/s accepted",
                    options.rate, options.duration, Double(delivered) / options.duration),
                "  step → accepted by the webhook receiver (HTTPS, signed):  \(webhook.line)",
                "  step → accepted by the mail server (SMTP):               \(email.line)",
                "  ceilings, same run:",
                "    the webhook receiver, POSTed to directly:               \(receiverDirect.line)",
                "    GET /health/live:                                       \(trivial.line)",
                String(
                    format:
                        "  a burst (%d probe readings as fast as they went, receivers up): %d messages delivered at %.0f/s (at most %d in one second)",
                    options.backlog, burstMessages, burstRate, burstPeak),
                "    step → accepted by the webhook receiver meanwhile:     \(burstLatency.line)",
                String(
                    format: "  outage: receivers down %.0f s (%d probe readings as fast as they went, then %.0f s): %d messages held",
                    downSeconds, options.backlog, options.outage, backlogMessages),
                "    while down, at most \(peakRefused) delivery attempts refused in one second",
                String(
                    format:
                        "    back: the first accepted %.1f s later, the last %.1f s later (%.0f/s on average, at most %d in one second: each waits for its next try, at most 15 min); %d not delivered",
                    firstAfter, drainSeconds, drainRate, peakRate, undelivered),
            ].joined(separator: "\n")
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        guard options.target.server == nil else { throw VigilError(.invalid, "the notifications benchmark starts its own server") }
        let hooks = try LocalWebhookReceiver()
        let mail = try LocalNotificationReceivers()
        var target = options.target
        target.serveArguments += [
            "--webhook-allow", "127.0.0.1/32", "--webhook-ca", hooks.certificate, "--smtp", "127.0.0.1:\(mail.smtpPort)",
        ]
        let server = try await BenchServer.attachOrStart(target, log: log)
        defer { server.stop() }
        let fleet = try await BenchFleet.create(on: server, devices: options.probes, prefix: "note", log: log)
        let nurse = try await BenchWard.create(on: server, admin: fleet.adminToken, patients: fleet.patientIDs, name: "note-ward")
        let preferences = try await server.request(
            .PUT, "/api/me/notifications", token: nurse,
            body: JSON.object(["channels": [["kind": "email", "address": "nurse@ward.example"]]]).serialized())
        guard preferences.status == .ok else { throw VigilError(.internal, "the nurse's channels: \(preferences.status) \(preferences.text)") }
        let hook = try await server.request(
            .POST, "/api/webhooks", token: fleet.adminToken, body: JSON.object(["url": .string(hooks.url)]).serialized())
        guard let secret = hook.json?["secret"]?.stringValue else { throw VigilError(.internal, "the webhook: \(hook.status) \(hook.text)") }
        try hooks.keep(secret: secret)
        var probes = Probes(server: server, fleet: fleet)
        var report = Report(options: options)

        log("\(Int(options.rate)) alert transitions/s for \(Int(options.duration)) s…")
        try await probes.pace(rate: options.rate, seconds: options.duration)
        try await Task.sleep(for: .seconds(3))
        let requests = hooks.requests
        var stepTimes: [String: Double] = [:]
        for request in requests where request.status == 200 {
            guard let at = request.at.flatMap(FHIRDateTime.init) else { continue }
            stepTimes[Self.step(request.event)] = Double(at.lowerBound)
            report.webhook.record(milliseconds: request.received * 1000 - Double(at.lowerBound))
        }
        for message in mail.messages {
            guard let id = message.messageId, let at = stepTimes[Self.step(id)] else { continue }
            report.email.record(milliseconds: message.received * 1000 - at)
        }
        report.delivered = report.webhook.count + report.email.count

        log("measuring the ceilings…")
        let samples = Int(options.rate * min(options.duration, 10))
        report.receiverDirect = try await Self.direct(hooks, count: samples, rate: options.rate)
        report.trivial = try await TrivialRoute.latencies(server, count: samples, interval: .seconds(1 / options.rate))

        log("a burst of \(options.backlog) probe readings, receivers up…")
        let burstStart = Date().timeIntervalSince1970
        try await probes.burst(options.backlog, concurrency: 16)
        var delivered: [Double] = []
        while true {
            try await Task.sleep(for: .seconds(3))
            let now =
                hooks.requests.filter { $0.received >= burstStart && $0.status == 200 }.map(\.received)
                + mail.messages.filter { $0.received >= burstStart }.map(\.received)
            if now.count == delivered.count { break }
            delivered = now
        }
        if let first = delivered.min(), let last = delivered.max() {
            (report.burstMessages, report.burstRate) = (delivered.count, Double(delivered.count) / max(last - first, 0.001))
            report.burstPeak = Self.busiestSecond(delivered)
        }
        for request in hooks.requests where request.received >= burstStart && request.status == 200 {
            guard let at = request.at.flatMap(FHIRDateTime.init) else { continue }
            report.burstLatency.record(milliseconds: request.received * 1000 - Double(at.lowerBound))
        }

        log("receivers down: \(options.backlog) probe readings, then \(Int(options.outage)) s…")
        let before = Set(hooks.requests.map(\.event))
        let mailBefore = Set(mail.messages.compactMap(\.messageId))
        hooks.failing(true)
        mail.failing(true)
        let down = Date().timeIntervalSince1970
        try await probes.burst(options.backlog, concurrency: 16)
        try await Task.sleep(for: .seconds(options.outage))
        let refused = hooks.requests.filter { $0.status != 200 && $0.received >= down }.map(\.received)
        let held = Set(hooks.requests.map(\.event)).subtracting(before)
        report.backlogMessages = 2 * held.count
        hooks.failing(false)
        mail.failing(false)
        let back = Date().timeIntervalSince1970
        report.downSeconds = back - down
        report.peakRefused = Self.busiestSecond(refused)
        log("receivers back; draining \(report.backlogMessages) messages…")
        var times: [Double] = []
        let patience = ContinuousClock.now + .seconds(20 * 60)
        while ContinuousClock.now < patience {
            let accepted = hooks.requests.filter { $0.status == 200 && held.contains($0.event) }
            let mailed = mail.messages.filter { $0.received >= back && !mailBefore.contains($0.messageId ?? "") }
            times = accepted.map(\.received) + mailed.map(\.received)
            if Set(accepted.map(\.event)).count >= held.count && mailed.count >= held.count { break }
            try await Task.sleep(for: .seconds(1))
        }
        report.undelivered = max(0, report.backlogMessages - times.count)
        if let first = times.min(), let last = times.max() {
            report.firstAfter = first - back
            report.drainSeconds = last - back
            report.drainRate = Double(times.count) / max(last - first, 0.001)
            report.peakRate = Self.busiestSecond(times)
        }
        return report
    }

    /// The most of `times` (seconds) in one second.
    static func busiestSecond(_ times: [Double]) -> Int {
        guard let first = times.min() else { return 0 }
        return Dictionary(grouping: times) { Int($0 - first) }.values.map(\.count).max() ?? 0
    }

    /// The alert step of an event id (`STEP:TARGET:CHANNEL`; in an e-mail's Message-ID
    /// `<STEP.TARGET.CHANNEL@vigil>`).
    static func step(_ eventID: String) -> String {
        String(eventID.drop { !$0.isNumber }.prefix { $0.isNumber })
    }

    /// The receiver's own latency: the benchmark POSTs an event to it over HTTPS, one at a time.
    static func direct(_ receiver: LocalWebhookReceiver, count: Int, rate: Double) async throws -> LatencyFigures {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(receiver.certificate)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        var figures = LatencyFigures()
        do {
            for n in 0..<count {
                var request = HTTPClientRequest(url: receiver.url)
                request.method = .POST
                request.headers.add(name: "Vigil-Event-Id", value: "bench-direct-\(n)")
                request.body = .bytes(JSON.object(["type": "alert.raised", "alert": ["id": 0]]).serialized())
                let start = ContinuousClock.now
                let response = try await client.execute(request, timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 20)
                figures.record(ContinuousClock.now - start)
                try await Task.sleep(for: .seconds(1 / rate))
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return figures
    }

    /// The probe patients' systolic pressure, each alternately below 90 mmHg and back: every
    /// reading raises or resolves an alert.
    struct Probes {
        let server: BenchServer
        let fleet: BenchFleet
        var low: [Bool]
        var seq = 0

        init(server: BenchServer, fleet: BenchFleet) {
            (self.server, self.fleet) = (server, fleet)
            low = [Bool](repeating: false, count: fleet.patientIDs.count)
        }

        /// The next probe's reading.
        mutating func next() -> (token: String, body: [UInt8]) {
            let probe = seq % low.count
            seq += 1
            low[probe].toggle()
            let reading: JSON = [
                "seq": .integer(seq), "time": .string(FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))),
                "code": "8480-6", "value": .double(low[probe] ? 85 : 120), "unit": "mm[Hg]",
            ]
            return (fleet.deviceTokens[probe], JSON.object(["readings": [reading]]).serialized())
        }

        mutating func pace(rate: Double, seconds: Double) async throws {
            let interval = Duration.seconds(1 / rate)
            let end = ContinuousClock.now + .seconds(seconds)
            var due = ContinuousClock.now
            while due < end {
                let (token, body) = next()
                let reply = try await server.request(.POST, "/api/ingest", token: token, body: body)
                guard reply.status == .ok else { throw VigilError(.internal, "a probe reading was refused: \(reply.status) \(reply.text)") }
                due += interval
                try await Task.sleep(until: due)
            }
        }

        /// `count` transitions as fast as `concurrency` requests at a time go, each probe's in order.
        mutating func burst(_ count: Int, concurrency: Int) async throws {
            var sent = 0
            let server = server
            while sent < count {
                let round = (0..<min(concurrency, low.count, count - sent)).map { _ in next() }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (token, body) in round {
                        group.addTask {
                            let reply = try await server.request(.POST, "/api/ingest", token: token, body: body)
                            guard reply.status == .ok else { throw VigilError(.internal, "a probe reading was refused: \(reply.status)") }
                        }
                    }
                    try await group.waitForAll()
                }
                sent += round.count
            }
        }
    }
}
