/// A period during which a device was on a patient (`Device.patient`).
public struct DeviceLink: Sendable, Equatable {
    public var patient: String
    /// First millisecond of the link (server time when the link was stored).
    public var start: Int64
    /// First millisecond after the link, or nil while it lasts.
    public var end: Int64?

    public init(patient: String, start: Int64, end: Int64? = nil) {
        self.patient = patient
        self.start = start
        self.end = end
    }

    public func covers(_ time: Int64) -> Bool { time >= start && (end.map { time < $0 } ?? true) }
}

/// Every patient a device has been on, and when: how a reading finds its patient.
public struct DeviceLinkHistory: Sendable, Equatable {
    public var links: [DeviceLink]

    public init(_ links: [DeviceLink]) { self.links = links.sorted { $0.start < $1.start } }

    /// The patient the device was on at `time`, or nil when it was on nobody.
    public func patient(at time: Int64) -> String? {
        links.last(where: { $0.covers(time) })?.patient
    }

    /// The patient the device is on now (the open link).
    public var current: String? { links.last(where: { $0.end == nil })?.patient }

    /// The history after the device's patient is set to `patient` at `time`: the open link is
    /// closed and, unless `patient` is nil, a new one opened. Unchanged when the patient is the same.
    public func relinked(to patient: String?, at time: Int64) -> DeviceLinkHistory {
        guard patient != current else { return self }
        var links = self.links
        if let open = links.lastIndex(where: { $0.end == nil }) { links[open].end = time }
        if let patient { links.append(DeviceLink(patient: patient, start: time)) }
        return DeviceLinkHistory(links)
    }
}
