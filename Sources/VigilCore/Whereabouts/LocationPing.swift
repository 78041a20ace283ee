/// Where a wearer was at a time: coordinates, or a known place (a ward, a room, a school: a
/// Location). Kept only while the patient consents (``LocationConsent``) and for the retention
/// period, then erased; never shown on the care board or in the record.
public struct LocationPing: Sendable, Equatable, Codable {
    /// The wearable's producer key: a resent ping is stored once.
    public var key: ProducerKey
    /// The Patient's id: whom the device was on at ``time``.
    public var patient: String
    public var time: Int64
    public var position: GeoPosition?
    /// A Location's id.
    public var place: String?
    public var received: Int64

    public init(key: ProducerKey, patient: String, time: Int64, position: GeoPosition?, place: String?, received: Int64) {
        self.key = key
        self.patient = patient
        self.time = time
        self.position = position
        self.place = place
        self.received = received
    }
}

/// A ping as a device sent it, checked for shape but not yet assigned to a patient.
public struct PingSubmission: Sendable, Equatable {
    /// Its position in the request's `readings` array.
    public var index: Int
    public var boot: String
    public var seq: Int64
    public var time: Int64
    public var position: GeoPosition?
    /// A Location's id.
    public var place: String?

    public init(index: Int, boot: String, seq: Int64, time: Int64, position: GeoPosition?, place: String?) {
        self.index = index
        self.boot = boot
        self.seq = seq
        self.time = time
        self.position = position
        self.place = place
    }
}

/// Which pings to erase: a patient's (their consent ended), or everyone's before a time (the
/// retention period), or both.
public struct PingErasure: Sendable, Equatable {
    public var patient: String?
    /// Pings taken before this time (milliseconds).
    public var before: Int64?

    public init(patient: String? = nil, before: Int64? = nil) { (self.patient, self.before) = (patient, before) }
}

/// Where and when to read pings: a grid cell (``GeoPosition/cell``) or a place, over a time.
public struct PingWindow: Sendable, Hashable {
    public var cell: Int64?
    /// A Location's id.
    public var place: String?
    /// Milliseconds; `to` excluded.
    public var from: Int64
    public var to: Int64

    public init(cell: Int64? = nil, place: String? = nil, from: Int64, to: Int64) {
        (self.cell, self.place, self.from, self.to) = (cell, place, from, to)
    }

    /// The same cells and places over the same times, each window of one cell or one place, no
    /// two of the same one overlapping or touching: a ping is then in at most one window of its
    /// cell and one of its place.
    public static func merged(_ windows: [PingWindow]) -> [PingWindow] {
        let single = windows.flatMap { window in
            [
                window.cell.map { PingWindow(cell: $0, from: window.from, to: window.to) },
                window.place.map { PingWindow(place: $0, from: window.from, to: window.to) },
            ]
            .compactMap { $0 }
        }
        var merged: [PingWindow] = []
        for window in single.sorted(by: { ($0.cell ?? .min, $0.place ?? "", $0.from) < ($1.cell ?? .min, $1.place ?? "", $1.from) }) {
            if let last = merged.last, last.cell == window.cell, last.place == window.place, window.from <= last.to {
                merged[merged.count - 1].to = max(last.to, window.to)
            } else {
                merged.append(window)
            }
        }
        return merged
    }
}
