extension Duration {
    /// The duration in seconds, for rates.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// The duration in whole microseconds, for latency histograms.
    var microseconds: UInt64 { UInt64(max(0, components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000)) }
}
