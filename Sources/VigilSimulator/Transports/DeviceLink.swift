import VigilCore

/// How one simulated device reaches the server. A device keeps every reading until a receipt
/// covers it and sends it again until then, as docs/ingest.md asks of real devices.
protocol DeviceLink: Sendable {
    /// Sends `readings` (new and not yet acknowledged ones, in seq order) and returns what the
    /// server has acknowledged since the last call: for HTTPS and HL7 the answer to this upload,
    /// for MQTT the application acks that arrived meanwhile.
    func send(_ readings: [SimulatedReading]) async -> Receipt

    /// Runs what the link needs for as long as the device lives (an MQTT connection); returns when
    /// cancelled.
    func run() async
}

extension DeviceLink {
    func run() async {}
}

/// What the server said about uploaded readings.
struct Receipt: Sendable, Equatable {
    /// Seqs the device may forget: stored, duplicate or quarantined.
    var acknowledged: [Int64] = []
    var accepted = 0
    var duplicates = 0
    var rejected = 0
    /// The upload was not answered or was refused as a whole (the device will retry).
    var failed = false
    /// Messages sent for this receipt (an MQTT device waiting for its ack sends none).
    var uploads = 0

    static let failure = Receipt(failed: true)
    /// Nothing sent, nothing heard.
    static let none = Receipt(uploads: 0)

    /// Reads the answer of `POST /api/ingest`, which is also the MQTT ack: the counts, and the
    /// seqs from its `seqs` ranges or, when it has none (HTTP), the seqs `sent`.
    init(answer: JSON, sent: [Int64] = []) {
        var seqs: [Int64] = []
        for range in answer["seqs"]?.arrayValue ?? [] {
            if let low = range[0]?.int64Value, let high = range[1]?.int64Value, low <= high { seqs += Array(low...high) }
        }
        self.init(
            acknowledged: answer["seqs"] == nil ? sent : seqs, accepted: Int(answer["accepted"]?.int64Value ?? 0),
            duplicates: Int(answer["duplicates"]?.int64Value ?? 0), rejected: answer["rejected"]?.arrayValue?.count ?? 0,
            uploads: sent.isEmpty ? 0 : 1)
    }

    init(acknowledged: [Int64] = [], accepted: Int = 0, duplicates: Int = 0, rejected: Int = 0, failed: Bool = false, uploads: Int = 1) {
        (self.acknowledged, self.accepted, self.duplicates, self.rejected, self.failed) = (acknowledged, accepted, duplicates, rejected, failed)
        self.uploads = uploads
    }

    static func + (a: Receipt, b: Receipt) -> Receipt {
        Receipt(
            acknowledged: a.acknowledged + b.acknowledged, accepted: a.accepted + b.accepted, duplicates: a.duplicates + b.duplicates,
            rejected: a.rejected + b.rejected, failed: a.failed || b.failed, uploads: a.uploads + b.uploads)
    }
}
