import Crypto
import Foundation
import Logging
import MQTT
import NIOCore
import NIOSSL
public import ServiceLifecycle
import VigilCore

/// Readings through the MQTT broker (`vigil serve --mqtt`): subscribes to every device's readings
/// topic through the shared subscription `$share/vigil/vigil/devices/+/readings` (so that several
/// nodes share the load), sends each payload down the same ingest path as `POST /api/ingest`,
/// PUBACKs once it is in the ingest queue, and after the commit publishes the device's
/// acknowledgement on `vigil/devices/{id}/ack`. Devices' answers to their commands
/// (`vigil/devices/{id}/commands/ack`, shared the same way) go to the ``CommandCenter``.
///
/// A payload on the topic of a device without an active credential (unknown or revoked) is
/// quarantined and not acknowledged to the device. When the ingest queue is full the service
/// stops reading from the broker until there is room.
public struct MQTTIngestService: Service, CustomStringConvertible {
    /// The subscriptions every node shares: readings, and answers to commands.
    public static let filters = ["$share/vigil/vigil/devices/+/readings", "$share/vigil/vigil/devices/+/commands/ack"]

    let runtime: VigilRuntime
    let endpoint: MQTTEndpoint

    init(runtime: VigilRuntime, endpoint: MQTTEndpoint) {
        self.runtime = runtime
        self.endpoint = endpoint
    }

    /// What the service group logs: the broker, not the runtime and credentials the service holds.
    public var description: String { "MQTTIngestService(\(endpoint.host):\(endpoint.port))" }

    /// A commit waiting to be acknowledged to its device.
    private struct PendingAck: Sendable {
        var device: String
        var commit: PendingChange
        /// The answer so far and the seqs it covers; nil for a payload refused whole.
        var result: IngestHandler.Result?
        var seqs: [Int64]
        var refusal: String?
        /// Whether the device hears back (not when its topic was refused).
        var acknowledge: Bool
    }

    public func run() async throws {
        let client = MQTTClient(configuration: try clientConfiguration()) { [logger = runtime.logger, metrics = runtime.metrics] event in
            switch event {
            case .connected(let sessionPresent):
                logger.info("connected to the MQTT broker", metadata: ["sessionPresent": "\(sessionPresent)"])
            case .disconnected(let reason):
                metrics.recordMQTTConnection(false)
                logger.warning("MQTT connection lost; reconnecting", metadata: ["reason": "\(reason)"])
            case .subscribed(let filters):
                metrics.recordMQTTConnection(true)
                logger.info("subscribed on the MQTT broker", metadata: ["filters": "\(filters)"])
            case .subscriptionRefused(let filters):
                logger.error("the broker refused the subscription; check the server's ACL", metadata: ["filters": "\(filters)"])
            }
        }
        runtime.devices.attach(client)
        defer { runtime.devices.attach(nil) }
        let (acks, queue) = AsyncStream.makeStream(of: PendingAck.self)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await publishAcknowledgements(acks, client: client) }
            await cancelWhenGracefulShutdown {
                await client.run { publish in await receive(publish, client: client, queue: queue) }
            }
            queue.finish()
        }
    }

    private func clientConfiguration() throws -> MQTTClient.Configuration {
        let configuration = runtime.configuration
        var username = endpoint.username
        var password = endpoint.password?.value
        if username == nil, configuration.brokerConfig != nil {
            (username, password) = (BrokerFiles.serverUsername, runtime.broker.serverPassword)
        }
        var session = MQTTConnectionStateMachine.Configuration(
            clientID: Self.clientID(dataDirectory: configuration.dataDirectory), filters: Self.filters, username: username,
            password: password.map { Array($0.utf8) })
        session.keepAlive = 30
        var client = MQTTClient.Configuration(host: endpoint.host, port: endpoint.port, session: session)
        client.maximumPacketSize = BrokerFiles.mqttPacketLimit(configuration.ingestLimits)
        if endpoint.tls {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let ca = configuration.mqttCA { tls.trustRoots = .file(ca) }
            client.tls = tls
        }
        return client
    }

    /// A client id that stays the same across restarts of this node (its persistent session) and
    /// differs between nodes: from the host name and the data directory.
    static func clientID(dataDirectory: String) -> String {
        let path = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        let host = ProcessInfo.processInfo.hostName
        let digest = SHA256.hash(data: Array((host + "\n" + path).utf8))
        return "vigil-" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Takes one PUBLISH into the ingest queue; retries while the queue is full (so reading from
    /// the broker pauses) until the service stops.
    private func receive(_ publish: MQTTPacket.Publish, client: MQTTClient, queue: AsyncStream<PendingAck>.Continuation) async {
        while !Task.isCancelled {
            do {
                if let device = DevicePublisher.device(topic: publish.topic, .commandAnswers) {
                    try await answer(publish, device: device)
                    if let id = publish.packetID { client.accepted(packetID: id) }
                    return
                }
                let pending = try await enqueue(publish)
                if let id = publish.packetID { client.accepted(packetID: id) }
                if let pending { queue.yield(pending) }
                return
            } catch {
                let error = (error as? VigilError) ?? VigilError(.unavailable, "\(error)", retryAfter: 1)
                runtime.logger.warning("MQTT reading not taken yet; retrying", metadata: ["reason": "\(error.message)"])
                try? await Task.sleep(for: .seconds(max(1, error.retryAfter ?? 1)))
            }
        }
    }

    /// A device's answer to a command. One that is not understood is logged and dropped (the
    /// device is told nothing on MQTT); one the store could not take yet is retried.
    private func answer(_ publish: MQTTPacket.Publish, device: String) async throws {
        do {
            guard FHIRID.isValid(device), try await runtime.broker.isActive(device: device) else {
                throw VigilError(.forbidden, "the device has no active credential")
            }
            let body = try JSON.parse(Array(publish.payload.readableBytesView), limits: JSONLimits(maxDepth: 4))
            try await runtime.commands.answer(body, from: device, client: nil)
        } catch let error as VigilError where error.code != .unavailable {
            runtime.logger.warning(
                "a device's answer to a command was refused", metadata: ["device": "\(device.prefix(64))", "reason": "\(error.message)"])
        }
    }

    /// Validates, resolves and queues the payload (or quarantines it whole); nil when the topic is
    /// not a readings topic.
    private func enqueue(_ publish: MQTTPacket.Publish) async throws -> PendingAck? {
        guard let device = DevicePublisher.device(topic: publish.topic, .readings) else {
            runtime.logger.warning("MQTT message on an unexpected topic ignored", metadata: ["topic": "\(publish.topic)"])
            return nil
        }
        let now = runtime.clock.now()
        let bytes = Array(publish.payload.readableBytesView)
        guard FHIRID.isValid(device), try await runtime.broker.isActive(device: device) else {
            runtime.logger.warning("readings refused: the device has no active credential", metadata: ["device": "\(device.prefix(64))"])
            let reason = "Device/\(device.prefix(64)) is unknown or its credentials are revoked; readings on its topic are refused"
            return try quarantineWhole(bytes, device: String(device.prefix(64)), reason: reason, now: now, acknowledge: false)
        }
        let limits = runtime.configuration.ingestLimits
        let decoded: ReadingBatchDecoder.Result
        do {
            let size = bytes.count + publish.skippedPayloadBytes
            guard size <= limits.maxBodyBytes else {
                throw VigilError(.tooLarge, "the payload is \(size) bytes; the limit is \(limits.maxBodyBytes)")
            }
            let body = try JSON.parse(bytes, limits: JSONLimits(maxDepth: limits.maxDepth))
            decoded = try ReadingBatchDecoder(catalog: runtime.catalog, limits: limits).decode(body, now: now)
        } catch let error as VigilError {
            return try quarantineWhole(bytes, device: device, reason: error.message, now: now, acknowledge: true)
        }
        let prepared = try await IngestHandler(runtime: runtime).prepare(decoded, device: device, client: nil, source: "mqtt", now: now)
        let seqs = decoded.seqs
        return PendingAck(
            device: device, commit: try runtime.writer.enqueue(prepared.commit), result: prepared.result, seqs: seqs, acknowledge: true)
    }

    private func quarantineWhole(_ bytes: [UInt8], device: String, reason: String, now: Int64, acknowledge: Bool) throws -> PendingAck {
        let commit = try runtime.writer.enqueue(
            IngestHandler(runtime: runtime).quarantineCommit(
                String(decoding: bytes.prefix(65_536), as: UTF8.self), reason: reason, device: device, principal: .device(device), client: nil,
                source: "mqtt", now: now))
        return PendingAck(device: device, commit: commit, seqs: [], refusal: reason, acknowledge: acknowledge)
    }

    /// Publishes each device's acknowledgement once its commit is stored, in commit order.
    private func publishAcknowledgements(_ acks: AsyncStream<PendingAck>, client: MQTTClient) async {
        for await ack in acks {
            do {
                let outcome = try await ack.commit.outcome()
                guard ack.acknowledge else { continue }
                let message =
                    if let result = ack.result {
                        DeviceAcknowledgement.json(result.counting(outcome), seqs: ack.seqs)
                    } else {
                        DeviceAcknowledgement.refusal(ack.refusal ?? "refused")
                    }
                try runtime.devices.publish(message, device: ack.device, channel: .ack)
            } catch {
                // Not stored: no acknowledgement, so the device sends the readings again.
                runtime.logger.error("MQTT readings not stored", metadata: ["device": "\(ack.device)", "error": "\(error)"])
            }
        }
    }
}
