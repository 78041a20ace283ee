import VigilClinical

/// The readings the benchmarks send: the five NEWS2 vital signs in turn. Each device drifts slowly
/// through a cycle (a step every 1,000 readings, from a phase of its own), so that at any time some
/// patients are well and some cross thresholds: scores change and alerts are raised and cleared,
/// at the pace of a ward rather than on every reading.
enum BenchVitals {
    static let signs: [(code: String, unit: String, base: Double, swing: Double)] = [
        ("8867-4", "/min", 70, 40), ("9279-1", "/min", 14, 10), ("59408-5", "%", 99, -10), ("8480-6", "mm[Hg]", 125, -37),
        ("8310-5", "Cel", 36.6, 1.5),
    ]

    /// Reading number `seq` of a device whose drift starts at `phase`.
    static func reading(_ seq: Int, phase: Int = 0) -> (code: String, value: Double, unit: String) {
        let sign = signs[seq % signs.count]
        let step = (seq / 1000 + phase) % 100
        let fraction = Double(step < 50 ? step : 100 - step) / 50
        return (sign.code, Rounding.round(sign.base + sign.swing * fraction, decimals: 1), sign.unit)
    }
}
