/// A one-sided CUSUM of standardised daily counts (clinical.md §10, after `surveillance::algo.cusum`):
/// S_t = max(0, S_{t−1} + z_t − k), an alarm when S_t equals or exceeds `h`, no reset after one.
public struct CUSUM: Sendable, Equatable {
    /// The sum on one day and whether it alarms.
    public struct Sum: Sendable, Equatable {
        public var value: Double
        public var alarm: Bool
    }

    /// Reference value: how far above the in-control mean (in standard deviations) a day must be to add.
    public var k: Double
    /// Decision boundary.
    public var h: Double

    public init(k: Double = 1.04, h: Double = 2.26) { (self.k, self.h) = (k, h) }

    /// The sums over `counts`, each standardised by the mean and sample standard deviation of the
    /// in-control `baseline` (at least two days; a baseline with no spread makes any rise count fully).
    public func sums(of counts: [Double], baseline: [Double]) -> [Sum] {
        guard baseline.count >= 2 else { return [] }
        let baseline = Baseline(baseline)
        var sum = 0.0
        return counts.map { count in
            sum = max(0, sum + baseline.standardized(count) - k)
            return Sum(value: sum, alarm: sum >= h)
        }
    }

    /// The sums over values already standardised against a moving baseline (a day without one,
    /// nil, adds nothing and has no sum).
    public func sums(standardized values: [Double?]) -> [Sum?] {
        var sum = 0.0
        return values.map { value in
            guard let value else { return nil }
            sum = max(0, sum + min(value, Self.cap) - k)
            return Sum(value: sum, alarm: sum >= h)
        }
    }

    /// The most one day's standardised value counts: a rise from a baseline with no spread
    /// standardises to infinity, and a sum that never came down again would alarm for ever. Four
    /// standard deviations alarm on their own (with the default k and h) and are gone in a few days.
    static let cap = 4.0
}
