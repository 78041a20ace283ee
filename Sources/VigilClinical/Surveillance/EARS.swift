/// The Early Aberration Reporting System's C1, C2 and C3 on a series of daily counts (febrile
/// people screened at a site), implemented from their definitions (clinical.md §10):
///
/// - C1: today against the 7 days before it: (y − mean) / max(sd, minSigma), an alarm above `z`.
/// - C2: the same against days t−9 … t−3 (two guard days, so a rising outbreak does not hide in
///   its own baseline).
/// - C3: the sum over today and the two days before of max(0, C2 − 1), an alarm above `c3z`.
///
/// `sd` is the sample standard deviation (n − 1). A baseline with no spread (sd 0) and no
/// `minSigma` makes any rise an alarm and no rise none. Days before a method's baseline is
/// complete have no value for it (C1 from the 8th day, C2 from the 10th, C3 from the 12th).
public struct EARS: Sendable, Equatable {
    /// One method's reading of a day.
    public struct Result: Sendable, Equatable {
        public var statistic: Double
        /// The count above which the day is an aberration (C1, C2); for C3, nil.
        public var upperBound: Double?
        public var alarm: Bool
    }

    /// One day's readings, each nil until its baseline is complete.
    public struct Day: Sendable, Equatable {
        public var c1: Result?
        public var c2: Result?
        public var c3: Result?

        /// Whether any method alarms.
        public var signal: Bool { c1?.alarm == true || c2?.alarm == true || c3?.alarm == true }
    }

    /// Baseline length in days.
    public var baseline: Int
    /// The C1 and C2 threshold: qnorm(1 − 0.001).
    public var z: Double
    /// The C3 threshold: qnorm(1 − 0.025).
    public var c3z: Double
    /// A floor under the baseline's standard deviation (0.5 or 1 for sparse counts, after Burkom).
    public var minSigma: Double

    public init(baseline: Int = 7, z: Double = 3.0902, c3z: Double = 1.96, minSigma: Double = 0) {
        (self.baseline, self.z, self.c3z, self.minSigma) = (baseline, z, c3z, minSigma)
    }

    /// Every day of `counts` (oldest first).
    public func evaluate(_ counts: [Double]) -> [Day] {
        counts.indices.map { t in Day(c1: c1(counts, at: t), c2: c2(counts, at: t), c3: c3(counts, at: t)) }
    }

    /// C1 on day `t` (an index of `counts`).
    public func c1(_ counts: [Double], at t: Int) -> Result? { lagged(counts, at: t, guardDays: 0) }

    /// C2 on day `t`.
    public func c2(_ counts: [Double], at t: Int) -> Result? { lagged(counts, at: t, guardDays: 2) }

    /// C3 on day `t`: from the C2 of `t`, `t − 1` and `t − 2`.
    public func c3(_ counts: [Double], at t: Int) -> Result? {
        guard t >= 2 else { return nil }
        let parts = [c2(counts, at: t - 2), c2(counts, at: t - 1), c2(counts, at: t)].compactMap { $0 }
        guard parts.count == 3 else { return nil }
        let statistic = parts.reduce(0) { $0 + max(0, $1.statistic - 1) }
        return Result(statistic: statistic, upperBound: nil, alarm: statistic > c3z)
    }

    /// Day `t` against the `baseline` days ending `guardDays + 1` days before it.
    private func lagged(_ counts: [Double], at t: Int, guardDays: Int) -> Result? {
        let end = t - guardDays
        guard t < counts.count, end - baseline >= 0 else { return nil }
        let window = Baseline(counts[(end - baseline)..<end])
        let statistic = window.standardized(counts[t], minSigma: minSigma)
        return Result(statistic: statistic, upperBound: window.mean + z * max(window.sd, minSigma), alarm: statistic > z)
    }
}
