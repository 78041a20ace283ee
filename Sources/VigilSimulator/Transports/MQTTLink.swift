import MQTT
import NIOCore
import Synchronization
import VigilCore

/// A device on the MQTT broker: publishes its readings at QoS 1 on `vigil/devices/{id}/readings`
/// and learns from `vigil/devices/{id}/ack` which it may forget. The PUBACK only means the server
/// queued them; the device sends again what no application ack covers after `resendAfter`, and
/// waits twice as long before each further resend while no ack comes (at most 16 times), so that a
/// server falling behind is not buried under copies.
final class MQTTLink: DeviceLink {
    let device: String
    let boot: String
    let client: MQTTClient
    let resendAfter: Duration
    private let state = Mutex<(receipt: Receipt, sentAt: [Int64: ContinuousClock.Instant], patience: Duration)>((.none, [:], .zero))

    init(device: String, token: String, boot: String, host: String, port: Int, resendAfter: Duration = .seconds(15)) {
        self.device = device
        self.boot = boot
        self.resendAfter = resendAfter
        var session = MQTTConnectionStateMachine.Configuration(
            clientID: "vigil-sim-\(device)", filters: ["vigil/devices/\(device)/ack"], username: device, password: Array(token.utf8))
        session.minimumBackoff = 100
        session.maximumBackoff = 2_000
        session.keepAlive = 60
        client = MQTTClient(configuration: .init(host: host, port: port, session: session))
    }

    func run() async {
        await client.run { [weak self] publish in
            guard let self else { return }
            if let id = publish.packetID { client.accepted(packetID: id) }
            guard let answer = try? JSON.parse(Array(publish.payload.readableBytesView)) else { return }
            state.withLock { $0.receipt = $0.receipt + Receipt(answer: answer) }
        }
    }

    func send(_ readings: [SimulatedReading]) async -> Receipt {
        let now = ContinuousClock.now
        let (receipt, due) = state.withLock { state in
            let receipt = state.receipt
            state.receipt = .none
            let acknowledged = Set(receipt.acknowledged)
            for seq in acknowledged { state.sentAt[seq] = nil }
            if !acknowledged.isEmpty || state.patience == .zero { state.patience = resendAfter }
            var resending = false
            let patience = state.patience
            let due = readings.filter { reading in
                guard !acknowledged.contains(reading.seq) else { return false }
                if let sent = state.sentAt[reading.seq] {
                    guard now - sent >= patience else { return false }
                    resending = true
                }
                state.sentAt[reading.seq] = now
                return true
            }
            if resending { state.patience = min(patience * 2, resendAfter * 16) }
            return (receipt, due)
        }
        if !due.isEmpty {
            let payload = ByteBuffer(bytes: IngestBatch.json(due, boot: boot).serialized())
            client.publish(.init(topic: "vigil/devices/\(device)/readings", payload: payload, qos: .atLeastOnce))
        }
        return receipt + Receipt(uploads: due.isEmpty ? 0 : 1)
    }
}
