/// A set of (patient number, cell number) pairs: which patient has been counted in which cell,
/// for the patients whose values fall in several cells (a question by month: nearly everyone).
/// Open addressing over one array of integers with a multiplicative hash: millions of inserts
/// per question, each a probe or two with no hasher to seed.
struct PatientCellSet: Sendable {
    /// Each pair as `patient << 32 | cell`, plus one (0: an empty slot).
    private var slots = [UInt64](repeating: 0, count: 1024)
    private var count = 0

    /// Adds the pair; whether it was new.
    mutating func insert(patient: Int32, cell: Int32) -> Bool {
        if 2 * (count + 1) > slots.count { grow() }
        let key = (UInt64(UInt32(bitPattern: patient)) << 32 | UInt64(UInt32(bitPattern: cell))) &+ 1
        let inserted = Self.insert(key, into: &slots)
        if inserted { count += 1 }
        return inserted
    }

    private static func insert(_ key: UInt64, into slots: inout [UInt64]) -> Bool {
        let mask = slots.count - 1
        // Fibonacci hashing: the high bits of the product, spread over the table.
        var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while slots[index] != 0 {
            if slots[index] == key { return false }
            index = (index + 1) & mask
        }
        slots[index] = key
        return true
    }

    private mutating func grow() {
        var larger = [UInt64](repeating: 0, count: slots.count * 2)
        for key in slots where key != 0 { _ = Self.insert(key, into: &larger) }
        slots = larger
    }
}
