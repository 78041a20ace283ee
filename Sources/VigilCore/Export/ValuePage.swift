/// One page of the numeric values recorded for a code (``VigilStore/values(of:after:limit:)``):
/// stored Observations with a `valueQuantity`, then device readings, and where the next page
/// starts (nil: the end). What research aggregates read instead of whole resources.
public struct ValuePage: Sendable {
    /// One value: whose, what and when.
    public struct Entry: Sendable, Equatable {
        /// The store's number for the patient, as the population table knows them
        /// (``PopulationTable/Person/key``): millions of values are placed without a string each.
        public var patientKey: Int64
        public var value: Double
        /// The effective time (milliseconds).
        public var time: Int64

        public init(patientKey: Int64, value: Double, time: Int64) { (self.patientKey, self.value, self.time) = (patientKey, value, time) }
    }

    /// Where a reading of values continues: stored Observations in key order, then each code
    /// key's readings in id order (a code is one key unless the catalog gave it another system),
    /// up to ``end``.
    public struct Cursor: Sendable, Equatable {
        /// The key of the last stored Observation read (0: none yet).
        public var resourceKey: Int64
        /// The last reading read; nil while stored Observations are still read.
        public var reading: ReadingPosition?
        /// The last reading of this part (nil: to the end): ``parts(of:count:)`` cuts one reading
        /// into parts read side by side.
        public var end: ReadingPosition?

        /// A reading's place in the order values are read: its code key, then its id.
        public struct ReadingPosition: Sendable, Equatable, Comparable {
            public var codeKey: Int64
            public var id: Int64
            public init(codeKey: Int64, id: Int64) { (self.codeKey, self.id) = (codeKey, id) }
            public static func < (a: Self, b: Self) -> Bool { (a.codeKey, a.id) < (b.codeKey, b.id) }
        }

        public init(resourceKey: Int64 = 0, reading: ReadingPosition? = nil, end: ReadingPosition? = nil) {
            (self.resourceKey, self.reading, self.end) = (resourceKey, reading, end)
        }

        /// The start of a reading.
        public static let start = Cursor()

        /// Up to `count` cursors that read, side by side, what one cursor from ``start`` reads,
        /// each a consecutive part with about as many reading ids (`ranges`: each code key's
        /// lowest and highest reading id, in key order). The first reads the stored Observations too.
        public static func parts(of ranges: [(codeKey: Int64, low: Int64, high: Int64)], count: Int) -> [Cursor] {
            let total = ranges.reduce(0) { $0 + ($1.high - $1.low + 1) }
            guard count > 1, total >= Int64(count) else { return [.start] }
            // The last reading of each part but the last: the one `total * i / count` ids in.
            let ends = (1..<count).map { part -> ReadingPosition in
                var offset = total * Int64(part) / Int64(count)
                for range in ranges {
                    let size = range.high - range.low + 1
                    if offset <= size { return ReadingPosition(codeKey: range.codeKey, id: range.low + offset - 1) }
                    offset -= size
                }
                return ReadingPosition(codeKey: ranges[ranges.count - 1].codeKey, id: ranges[ranges.count - 1].high)
            }
            return (0..<count).map { part in
                Cursor(reading: part == 0 ? nil : ends[part - 1], end: part < ends.count ? ends[part] : nil)
            }
        }
    }

    public var values: [Entry]
    public var next: Cursor?

    public init(values: [Entry], next: Cursor?) { (self.values, self.next) = (values, next) }
}
