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
///
/// A link starts when the Device is stored with its new `patient`, unless that reference
/// carries the extension ``sinceExtension`` (a `valueDateTime`): then it starts at that earlier
/// time, so that readings a device took between being put on the patient and being registered
/// find their patient.
public struct DeviceLinkHistory: Sendable, Equatable {
    /// The extension on `Device.patient` that says since when the device is on the patient.
    public static let sinceExtension = "urn:vigil:fhir:patient-since"

    public var links: [DeviceLink]

    public init(_ links: [DeviceLink]) { self.links = links.sorted { $0.start < $1.start } }

    /// The patient the device was on at `time`, or nil when it was on nobody.
    public func patient(at time: Int64) -> String? {
        links.last(where: { $0.covers(time) })?.patient
    }

    /// The patient the device is on now (the open link).
    public var current: String? { links.last(where: { $0.end == nil })?.patient }

    /// Why the device cannot be put on `patient` from `start`, or nil when it can: the new link
    /// may not begin before the current one began, nor before the previous one ended.
    public func problem(relinkingTo patient: String?, from start: Int64) -> String? {
        guard patient != current else { return nil }
        let floor = links.map { $0.end ?? $0.start }.max() ?? Int64.min
        guard start >= floor else {
            return
                "the device's link to its patient cannot start before \(FHIRDateTime.instant(milliseconds: floor)), when its previous link began or ended"
        }
        return nil
    }

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
