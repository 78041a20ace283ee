import Foundation
import HL7v2
import Histogram
import MLLP
import NIOCore
import NIOPosix
import VigilCore

/// `vigil bench ingest --via mllp`: IHE PCD-01 messages over MLLP, each timed from sending to
/// its ACK (which comes after the commit), over several connections as a hospital's gateways
/// would send them.
public struct MLLPIngestBenchmark: Sendable {
    public struct Options: Sendable {
        public var target = BenchTarget()
        public var devices = 1000
        public var connections = 16
        /// OBX rows (readings) per message.
        public var readingsPerMessage = 6
        public var messages = 50_000
        public var progress = true

        public init() {}
    }

    public struct Report: Sendable {
        public var options: Options
        public var messages: Int
        public var accepted: Int
        public var refused: Int
        public var seconds: Double
        public var latencyMicroseconds: (p50: UInt64, p99: UInt64, max: UInt64)

        public var rate: Double { Double(messages) / max(seconds, 1e-9) }

        public var text: String {
            func ms(_ us: UInt64) -> String { String(format: "%.1f ms", Double(us) / 1000) }
            return [
                "Vigil MLLP ingest benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, loopback",
                "  load:        \(options.connections) connections, PCD-01 ORU^R01 with \(options.readingsPerMessage) readings each, \(options.devices) monitors",
                String(
                    format: "  ingest:      %d messages answered in %.2f s = %.0f messages/s = %.0f readings/s (ACK after the commit)", messages,
                    seconds, rate,
                    rate * Double(options.readingsPerMessage)),
                "  outcome:     \(accepted) AA, \(refused) AE/AR",
                "  ACK latency: p50 \(ms(latencyMicroseconds.p50)), p99 \(ms(latencyMicroseconds.p99)), max \(ms(latencyMicroseconds.max))",
            ].joined(separator: "\n")
        }
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    /// The vital signs of a monitor, by MDC code and unit.
    public static let rows: [(mdc: String, unit: String, value: Int)] = [
        ("147842^MDC_ECG_HEART_RATE^MDC", "264864^MDC_DIM_BEAT_PER_MIN^MDC", 78),
        ("150456^MDC_PULS_OXIM_SAT_O2^MDC", "262688^MDC_DIM_PERCENT^MDC", 97),
        ("151562^MDC_RESP_RATE^MDC", "264928^MDC_DIM_RESP_PER_MIN^MDC", 16), ("150301^MDC_PRESS_CUFF_SYS^MDC", "266016^MDC_DIM_MMHG^MDC", 124),
        ("150302^MDC_PRESS_CUFF_DIA^MDC", "266016^MDC_DIM_MMHG^MDC", 78), ("150364^MDC_TEMP_BODY^MDC", "268192^MDC_DIM_DEGC^MDC", 37),
    ]

    /// A PCD-01 message from monitor `n`.
    func message(_ control: String, monitor n: Int, time: String) -> ByteBuffer {
        let device = BenchFleet.deviceID(n)
        var segments = [
            "MSH|^~\\&|BENCHGW|BENCH|VIGIL|VIGIL|\(time)||ORU^R01^ORU_R01|\(control)|P|2.6",
            "PID|||\(BenchFleet.patientID(n))^^^BENCH^MR", "OBR|1|||182777000^monitoring of patient^SNOMED-CT|||\(time)",
        ]
        for index in 0..<options.readingsPerMessage {
            let row = Self.rows[index % Self.rows.count]
            segments.append("OBX|\(index + 1)|NM|\(row.mdc)|1.1.1.\(index + 1)|\(row.value)|\(row.unit)|||||F|||\(time)||||\(device)")
        }
        return ByteBuffer(string: segments.joined(separator: "\r"))
    }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> Report {
        guard options.target.server == nil else { throw VigilError(.invalid, "--via mllp starts its own server; drop --server") }
        let port = try Loopback.freePort()
        var target = options.target
        target.serveArguments += ["--mllp", "127.0.0.1:\(port)", "--mllp-senders", "BENCH@127.0.0.1/32"]
        let server = try await BenchServer.attachOrStart(target, log: log)
        defer { server.stop() }
        _ = try await BenchFleet.create(on: server, devices: options.devices, log: log)
        let time = HL7Time.text(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 1000) + "+0000"
        let perConnection = max(1, options.messages / options.connections)
        log("sending \(perConnection * options.connections) messages over \(options.connections) connections…")
        let prepared = (0..<options.connections).map { c in
            (0..<perConnection).map { i in message("B\(c)-\(i)", monitor: (c * perConnection + i) % options.devices, time: time) }
        }
        let tally = Shared(
            (accepted: 0, refused: 0, latency: Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)))
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in 0..<options.connections {
                let messages = prepared[c]
                group.addTask {
                    do {
                        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                            .connect(host: "127.0.0.1", port: port) { channel in
                                channel.eventLoop.makeCompletedFuture {
                                    try channel.pipeline.syncOperations.addHandlers(
                                        ByteToMessageHandler(MLLPFrameDecoder()), MessageToByteHandler(MLLPFrameEncoder()))
                                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                                }
                            }
                        try await channel.executeThenClose { inbound, outbound in
                            var replies = inbound.makeAsyncIterator()
                            for message in messages {
                                let sent = ContinuousClock.now
                                try await outbound.write(message)
                                guard let reply = try await replies.next() else { throw VigilError(.unavailable, "the server closed the connection") }
                                let elapsed = ContinuousClock.now - sent
                                let accepted = String(buffer: reply).contains("MSA|AA|")
                                tally.withLock { tally in
                                    if accepted { tally.accepted += 1 } else { tally.refused += 1 }
                                    tally.latency.record(elapsed.microseconds)
                                }
                            }
                        }
                    } catch {
                        log("connection \(c) failed: \(error)")
                        throw error
                    }
                }
            }
            if options.progress {
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(1))
                        log("  \(tally.withLock { $0.accepted + $0.refused }) messages answered")
                    }
                }
            }
            for _ in 0..<options.connections { try await group.next() }
            group.cancelAll()
        }
        let seconds = (ContinuousClock.now - started).seconds
        return tally.withLock { tally in
            Report(
                options: options, messages: tally.accepted + tally.refused, accepted: tally.accepted, refused: tally.refused, seconds: seconds,
                latencyMicroseconds: (tally.latency.valueAtPercentile(50), tally.latency.valueAtPercentile(99), tally.latency.max))
        }
    }
}
