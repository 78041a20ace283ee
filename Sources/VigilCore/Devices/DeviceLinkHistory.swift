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

    /// Whom a reading belongs to, by its time and when it arrives.
    public enum Attribution: Sendable, Equatable {
        case patient(String)
        /// The device was on nobody at the reading's time.
        case noPatient
        /// The reading's time is in a link that ended longer ago than the late window.
        case linkEnded(patient: String, end: Int64)

        /// The attribution of a reading of `device` taken at `readingTime` in words: for a refused
        /// reading, the reason.
        public func explanation(device: String, readingTime: Int64, lateWindow: Int64) -> String {
            let at = FHIRDateTime.instant(milliseconds: readingTime)
            switch self {
            case .patient(let patient): return "Device/\(device) was on Patient/\(patient) at \(at)"
            case .noPatient: return "Device/\(device) was not on any patient at \(at)"
            case .linkEnded(let previous, let end):
                return "Device/\(device) moved off Patient/\(previous) at \(FHIRDateTime.instant(milliseconds: end)): what it took on that "
                    + "patient (this reading, at \(at)) is taken up to \(ReadingBatchDecoder.duration(milliseconds: lateWindow)) after the move"
            }
        }
    }

    /// The patient the device was on at `time`, for a reading received `now`. A reading of a
    /// link that has ended (the device moved to another patient, or off any) is taken for
    /// `lateWindow` after the end, time enough to upload what was measured before the move;
    /// after that the device cannot write into its previous patient's record any more.
    public func attribution(of time: Int64, receivedAt now: Int64, lateWindow: Int64) -> Attribution {
        guard let link = links.last(where: { $0.covers(time) }) else { return .noPatient }
        if let end = link.end, now - end > lateWindow { return .linkEnded(patient: link.patient, end: end) }
        return .patient(link.patient)
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
