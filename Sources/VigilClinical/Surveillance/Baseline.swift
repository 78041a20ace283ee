/// The mean and sample standard deviation (n − 1, as R's `sd`) of a baseline of daily counts.
struct Baseline {
    let mean: Double
    let sd: Double

    init(_ counts: some Collection<Double>) {
        mean = counts.reduce(0, +) / Double(counts.count)
        let mean = mean
        sd = (counts.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(counts.count - 1)).squareRoot()
    }

    /// How many standard deviations (at least `minSigma`) `count` lies above the mean; with no
    /// spread, any rise is infinitely far and none is 0.
    func standardized(_ count: Double, minSigma: Double = 0) -> Double {
        let sigma = max(sd, minSigma)
        return sigma > 0 ? (count - mean) / sigma : (count > mean ? .infinity : 0)
    }
}
