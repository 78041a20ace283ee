import ArgumentParser

/// Checks of numeric options, run by each command's `validate()` before anything starts: a value
/// outside its range is refused with the option's name instead of crashing later (`--speed 0`).
enum OptionCheck {
    /// A finite number above zero.
    static func positive(_ value: Double?, _ option: String) throws {
        guard let value else { return }
        guard value.isFinite, value > 0 else { throw ValidationError("--\(option) must be a number above 0 (got \(value))") }
    }

    /// A finite number, zero or more.
    static func notNegative(_ value: Double?, _ option: String) throws {
        guard let value else { return }
        guard value.isFinite, value >= 0 else { throw ValidationError("--\(option) must be a number of 0 or more (got \(value))") }
    }

    /// A whole number in `range`.
    static func within(_ value: Int?, _ range: ClosedRange<Int>, _ option: String) throws {
        guard let value else { return }
        guard range.contains(value) else {
            throw ValidationError("--\(option) must be from \(range.lowerBound) to \(range.upperBound) (got \(value))")
        }
    }
}
