/// What a fleet has done so far, summed over its devices.
public struct FleetStatistics: Sendable, Equatable {
    public var devices = 0
    /// Readings measured and meant to be sent.
    public var generated = 0
    /// Readings a receipt covered (the device forgot them).
    public var acknowledged = 0
    public var accepted = 0
    public var duplicates = 0
    public var rejected = 0
    /// Uploads not answered or refused as a whole (sent again later).
    public var failedUploads = 0
    public var uploads = 0

    public init() {}

    /// Readings measured and not yet acknowledged.
    public var unacknowledged: Int { generated - acknowledged }

    public var line: String {
        "\(devices) devices: \(generated) readings measured, \(acknowledged) acknowledged (\(accepted) stored, \(duplicates) duplicates, "
            + "\(rejected) quarantined), \(unacknowledged) held; \(uploads) uploads, \(failedUploads) to send again"
    }
}
