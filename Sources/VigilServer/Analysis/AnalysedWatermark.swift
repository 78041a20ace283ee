import VigilCore

/// What the analysis has analysed: readings up to an id (commits arrive in id order) and the
/// observations people entered, by id, since the server started (those stored before count as
/// analysed). A patient's state is rebuilt from these only: the rest is analysed in its turn.
struct AnalysedWatermark: Sendable {
    /// Every reading with an id up to this one was analysed; nil before the analysis starts (every
    /// stored reading counts).
    private(set) var readingsThrough: Int64?
    /// When this server started (milliseconds); entries stored before count as analysed.
    private let started: Int64
    /// Entries analysed since the start, with when they were stored.
    private var entries: [String: Int64] = [:]

    /// Before the analysis starts: everything stored counts as analysed.
    init() {
        readingsThrough = nil
        started = .max
    }

    init(readingsThrough: Int64, started: Int64) {
        self.readingsThrough = readingsThrough
        self.started = started
    }

    /// The first reading id not yet analysed (nil: none is known not to be).
    var readingsBefore: Int64? { readingsThrough.map { $0 + 1 } }

    /// Whether a stored entry was analysed.
    func includes(_ resource: StoredResource) -> Bool {
        resource.lastUpdated < started || entries[resource.id] != nil
    }

    mutating func analysed(readings: [StoredReading]) {
        if let newest = readings.map(\.id).max() { readingsThrough = max(readingsThrough ?? newest, newest) }
    }

    /// Notes analysed entries, and forgets those stored before `forgetBefore` (older than any
    /// replay reads).
    mutating func analysed(entries ids: [String], storedAt: Int64, forgetBefore: Int64) {
        for id in ids { entries[id] = storedAt }
        if entries.count > 1000 { entries = entries.filter { $0.value >= forgetBefore } }
    }
}
