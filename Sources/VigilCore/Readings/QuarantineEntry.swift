/// A reading that was refused, kept with its reason where an administrator can see it.
public struct QuarantineEntry: Sendable, Equatable {
    public var id: Int64
    /// The Device's FHIR id.
    public var device: String
    public var boot: String?
    public var seq: Int64?
    /// Its index in the request that carried it.
    public var index: Int
    public var reason: String
    /// What the device sent for this reading, as JSON text.
    public var payload: String
    /// How it arrived: `http`, `fhir`, `mqtt`, `mllp`.
    public var source: String
    /// Server receive time, milliseconds since the epoch.
    public var received: Int64

    public init(
        id: Int64 = 0, device: String, boot: String?, seq: Int64?, index: Int, reason: String, payload: String, source: String, received: Int64
    ) {
        self.id = id
        self.device = device
        self.boot = boot
        self.seq = seq
        self.index = index
        self.reason = reason
        self.payload = payload
        self.source = source
        self.received = received
    }
}
