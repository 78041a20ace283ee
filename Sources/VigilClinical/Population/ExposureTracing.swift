public import VigilCore

/// Who was near a case, and where the case had been: from location pings, with time as data.
///
/// Each ping stands for the time until its wearer's next ping, at most ``longestInterval`` (the
/// last one: the median of the wearer's intervals). Two wearers are **together** while their pings'
/// times overlap and either both have coordinates no farther apart than the distance asked, or
/// both name the same place (a ward, a room, a school). A contact's minutes are the time together.
public struct ExposureTracing: Sendable {
    public static let longestInterval: Int64 = 15 * 60_000

    /// One person who was near the index.
    public struct Contact: Sendable, Equatable {
        public var patient: String
        public var minutes: Int
        /// When they were first and last together.
        public var first: Int64
        public var last: Int64
        /// Where: `Location/ID`, or `geo:LAT,LON` (RFC 5870, to about 100 m).
        public var places: [String]
    }

    /// A place the index was, with when.
    public struct Visit: Sendable, Equatable {
        public var place: String
        public var first: Int64
        public var last: Int64
        public var minutes: Int
    }

    /// The index's pings, oldest first.
    public let index: [LocationPing]
    /// Metres.
    public let distance: Double
    /// How long each of the index's pings stands for.
    private let spans: [Int64]

    public init(index: [LocationPing], distance: Double) {
        self.index = index.sorted { $0.time < $1.time }
        self.distance = distance
        spans = Self.spans(of: self.index.map(\.time))
    }

    /// How long each of one wearer's pings (their times, oldest first) stands for.
    static func spans(of times: [Int64]) -> [Int64] {
        var spans = zip(times, times.dropFirst()).map { min($1 - $0, longestInterval) }
        if !times.isEmpty { spans.append(spans.isEmpty ? longestInterval / 3 : spans.sorted()[spans.count / 2]) }
        return spans
    }

    /// Where and when pings can be together with the index's: each cell within the distance of
    /// an index ping and each place it named, over the time it stands for and a longest interval
    /// before (an earlier ping stands until then), the windows of one cell or place merged.
    public var neighbourhood: [PingWindow] {
        var windows: [PingWindow] = []
        for (ping, span) in zip(index, spans) {
            let (from, to) = (ping.time - Self.longestInterval, ping.time + span + 1)
            for cell in ping.position?.cells(within: distance) ?? [] { windows.append(PingWindow(cell: cell, from: from, to: to)) }
            if let place = ping.place { windows.append(PingWindow(place: place, from: from, to: to)) }
        }
        return PingWindow.merged(windows)
    }

    /// The people together with the index for at least `minutes`, longest first, from `others`
    /// (anyone's pings; the index's own are skipped).
    public func contacts(among others: [LocationPing], minutes: Int) -> [Contact] {
        let patient = index.first?.patient
        let bucket: Int64 = 5 * 60_000
        // Everyone else's pings (their positions in `others`: a ping is not copied) with the time
        // each stands for, by 5-minute bucket of their start.
        var wearers: [String: [Int]] = [:]
        for (position, ping) in others.enumerated() where ping.patient != patient { wearers[ping.patient, default: []].append(position) }
        var buckets: [Int64: [(other: Int, start: Int64, end: Int64)]] = [:]
        for positions in wearers.values {
            let sorted = positions.sorted { others[$0].time < others[$1].time }
            let times = sorted.map { others[$0].time }
            for (position, (time, span)) in zip(sorted, zip(times, Self.spans(of: times))) {
                buckets[time / bucket, default: []].append((position, time, time + span))
            }
        }
        var met: [String: Together] = [:]
        for (ping, span) in zip(index, spans) {
            let end = ping.time + span
            for b in (ping.time - Self.longestInterval) / bucket...end / bucket {
                for (position, start, otherEnd) in buckets[b] ?? [] {
                    let overlap = (max(ping.time, start), min(end, otherEnd))
                    guard overlap.0 < overlap.1, let place = meeting(ping, others[position]) else { continue }
                    met[others[position].patient, default: Together(first: overlap.0, last: overlap.1)]
                        .add(from: overlap.0, to: overlap.1, at: place)
                }
            }
        }
        return met.compactMap { person, together in
            let total = Int(together.milliseconds / 60_000)
            guard total >= minutes else { return nil }
            return Contact(patient: person, minutes: total, first: together.first, last: together.last, places: together.places.map(\.text).sorted())
        }
        .sorted { ($0.minutes, $1.patient) > ($1.minutes, $0.patient) }
    }

    /// Where two wearers met: a Location, or a square of coordinates about 100 m wide; kept as
    /// numbers while counting, written once for the answer.
    private enum MeetingPlace: Hashable {
        case location(String)
        /// Latitude and longitude in thousandths of a degree.
        case square(Int64, Int64)

        init(_ position: GeoPosition) {
            self = .square(Int64((position.latitude * 1000).rounded()), Int64((position.longitude * 1000).rounded()))
        }

        /// `Location/ID`, or an RFC 5870 URI to three decimals.
        var text: String {
            func degrees(_ thousandths: Int64) -> String {
                let text = String(Double(thousandths) / 1000)
                return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
            }
            switch self {
            case .location(let id): return "Location/\(id)"
            case .square(let latitude, let longitude): return "geo:\(degrees(latitude)),\(degrees(longitude))"
            }
        }
    }

    /// One contact's time with the index so far.
    private struct Together {
        var milliseconds: Int64 = 0
        var first: Int64
        var last: Int64
        var places: Set<MeetingPlace> = []

        mutating func add(from start: Int64, to end: Int64, at place: MeetingPlace) {
            milliseconds += end - start
            (first, last) = (min(first, start), max(last, end))
            places.insert(place)
        }
    }

    /// Where `ping` and `other` (whose times overlap) were together, or nil when they were not.
    private func meeting(_ ping: LocationPing, _ other: LocationPing) -> MeetingPlace? {
        if let place = ping.place, place == other.place { return .location(place) }
        guard let a = ping.position, let b = other.position, a.distance(to: b) <= distance else { return nil }
        return MeetingPlace(a)
    }

    /// The places the index was (each Location, and each ~100 m square of coordinates), most time first.
    public var visits: [Visit] {
        var visits: [String: Visit] = [:]
        for (position, ping) in index.enumerated() {
            for place in [ping.place.map { "Location/\($0)" }, ping.position.map(Self.geo)].compactMap({ $0 }) {
                var visit = visits[place] ?? Visit(place: place, first: ping.time, last: ping.time, minutes: 0)
                visit.last = ping.time
                visit.minutes += Int(spans[position] / 60_000)
                visits[place] = visit
            }
        }
        return visits.values.sorted { ($0.minutes, $1.place) > ($1.minutes, $0.place) }
    }

    /// The people among `others` who were at a place the index visited, at any time of the
    /// window: a ping naming one of its places, or within the distance of one of its coordinates.
    public func visitors(among others: [LocationPing]) -> [String: Set<String>] {
        let patient = index.first?.patient
        var byCell: [Int64: [GeoPosition]] = [:]
        var places = Set<String>()
        for ping in index {
            if let position = ping.position { byCell[position.cell, default: []].append(position) }
            if let place = ping.place { places.insert(place) }
        }
        var found: [String: Set<String>] = [:]
        for other in others where other.patient != patient {
            if let place = other.place, places.contains(place) { found[other.patient, default: []].insert("Location/\(place)") }
            guard let position = other.position else { continue }
            let near = position.cells(within: distance).lazy.flatMap { byCell[$0] ?? [] }.first { $0.distance(to: position) <= distance }
            if let near { found[other.patient, default: []].insert(Self.geo(near)) }
        }
        return found
    }

    /// A position as an RFC 5870 URI rounded to three decimals (about 100 m): enough to say where,
    /// no more.
    static func geo(_ position: GeoPosition) -> String { MeetingPlace(position).text }
}
