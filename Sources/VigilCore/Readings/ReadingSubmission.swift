/// One reading as a device sent it, checked for shape, code, unit and plausibility, but not
/// yet assigned to a patient.
public struct ReadingSubmission: Sendable, Equatable {
    /// Its position in the request's `readings` array.
    public var index: Int
    public var boot: String
    public var seq: Int64
    /// Device time, milliseconds since the epoch.
    public var time: Int64
    public var code: String
    public var value: Double
    public var unit: String

    public init(index: Int, boot: String, seq: Int64, time: Int64, code: String, value: Double, unit: String) {
        self.index = index
        self.boot = boot
        self.seq = seq
        self.time = time
        self.code = code
        self.value = value
        self.unit = unit
    }
}

/// A reading that was refused, with why. It is quarantined, not dropped.
public struct ReadingRejection: Error, Sendable, Equatable {
    public var index: Int
    public var boot: String?
    public var seq: Int64?
    public var reason: String
    /// What the device sent for this reading, as JSON text.
    public var payload: String
    /// Refused because its time was ahead of the server's clock beyond the tolerance (the
    /// device's clock-skew alert counts these).
    public var clockAhead: Bool
    /// Not kept in quarantine: it says where a person was (a location ping), which is kept only
    /// with their consent. The answer still gives its reason.
    public var withheld: Bool

    public init(index: Int, boot: String?, seq: Int64?, reason: String, payload: String, clockAhead: Bool = false, withheld: Bool = false) {
        self.index = index
        self.boot = boot
        self.seq = seq
        self.reason = reason
        self.payload = payload
        self.clockAhead = clockAhead
        self.withheld = withheld
    }
}

/// Limits on one ingest request (docs/ingest.md).
public struct IngestLimits: Sendable {
    /// The largest request body, in bytes.
    public var maxBodyBytes: Int
    /// The most readings in one request.
    public var maxReadings: Int
    /// The deepest JSON nesting.
    public var maxDepth: Int
    /// How far ahead of server time a device's clock may be before its readings are refused, in ms
    /// (the clinical policy's clock tolerance).
    public var futureTolerance: Int64
    /// How long after a device leaves a patient it may still upload readings it took on that
    /// patient, in ms (``DeviceLinkHistory/attribution(of:receivedAt:lateWindow:)``).
    public var lateUploadWindow: Int64

    public init(
        maxBodyBytes: Int = 4 << 20, maxReadings: Int = 10_000, maxDepth: Int = 32, futureTolerance: Int64 = 5 * 60_000,
        lateUploadWindow: Int64 = 12 * 3_600_000
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxReadings = maxReadings
        self.maxDepth = maxDepth
        self.futureTolerance = futureTolerance
        self.lateUploadWindow = lateUploadWindow
    }
}
