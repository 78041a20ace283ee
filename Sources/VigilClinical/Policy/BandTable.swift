/// A scoring table over one parameter: ascending inclusive upper bounds, each with the points of
/// the values up to it, and the points of values above the last bound.
///
/// NEWS2 respiration rate, read as data: `≤8 → 3, ≤11 → 1, ≤20 → 0, ≤24 → 2, above → 3`.
/// Values are rounded to the table's precision first (integers for rates and pressures, 0.1 for
/// temperature), so that a device's 36.05 °C cannot fall between 36.0 and 36.1.
public struct BandTable: Sendable, Equatable, Codable {
    public struct Band: Sendable, Equatable, Codable {
        public var upTo: Double
        public var points: Int

        public init(upTo: Double, points: Int) {
            self.upTo = upTo
            self.points = points
        }
    }

    public var bands: [Band]
    public var above: Int
    /// Decimal places values are rounded to before lookup.
    public var decimals: Int

    public init(_ bands: [(Double, Int)], above: Int, decimals: Int = 0) {
        self.bands = bands.map { Band(upTo: $0.0, points: $0.1) }
        self.above = above
        self.decimals = decimals
    }

    /// The points of `value`.
    public func points(for value: Double) -> Int {
        let rounded = Rounding.round(value, decimals: decimals)
        return bands.first { rounded <= $0.upTo }?.points ?? above
    }
}

/// Half-away-from-zero rounding that is not fooled by binary fractions (36.05 → 36.1).
public enum Rounding {
    public static func round(_ value: Double, decimals: Int) -> Double {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = value * scale
        let nudged = scaled + (scaled >= 0 ? 1e-7 : -1e-7)
        return nudged.rounded(.toNearestOrAwayFromZero) / scale
    }
}
