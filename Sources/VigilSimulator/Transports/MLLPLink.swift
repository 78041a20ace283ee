import MLLP
import NIOCore
import NIOPosix
import VigilCore

/// A bedside monitor behind an HL7 gateway: each batch is one PCD-01 message over MLLP, sent
/// again until it is answered `AA` (stored) or `AE` (the server quarantined it; resending would
/// not help). `AR` and a lost connection mean "send again".
struct MLLPLink: DeviceLink {
    let host: String
    let port: Int
    let device: String
    let patient: String
    let facility: String
    let boot: String

    func send(_ readings: [SimulatedReading]) async -> Receipt {
        guard !readings.isEmpty else { return .none }
        let message = PCD01Message.text(readings, device: device, patient: patient, facility: facility, boot: boot)
        guard let ack = try? await answer(message, within: .seconds(30)) else { return .failure }
        let seqs = readings.map(\.seq)
        if ack.contains("MSA|AA|") { return Receipt(acknowledged: seqs, accepted: readings.count) }
        if ack.contains("MSA|AE|") { return Receipt(acknowledged: seqs, rejected: readings.count) }
        return .failure
    }

    /// The ACK, or an error when none came in time (the gateway then sends the message again).
    private func answer(_ message: String, within limit: Duration) async throws -> String {
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask { try await exchange(message) }
            group.addTask {
                try await Task.sleep(for: limit)
                throw VigilError(.unavailable, "no ACK within \(limit)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// One connection per message: a monitor's uploads are seconds apart.
    private func exchange(_ message: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(MLLPFrameDecoder()), MessageToByteHandler(MLLPFrameEncoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: message))
            var replies = inbound.makeAsyncIterator()
            guard let reply = try await replies.next() else { throw VigilError(.unavailable, "the server closed the connection") }
            return String(buffer: reply)
        }
    }
}
