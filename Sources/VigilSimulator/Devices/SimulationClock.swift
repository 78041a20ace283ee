/// Real time and physiological time: physiology runs `speed` times faster than the wall clock
/// from `start`, but every reading carries a real timestamp, so the server's freshness, silence
/// and clock-skew rules work unchanged.
public struct SimulationClock: Sendable, Equatable {
    /// The start, in milliseconds since 1970 (real time).
    public let start: Int64
    public let speed: Double

    public init(start: Int64, speed: Double) {
        self.start = start
        self.speed = speed
    }

    /// Seconds of physiological time at real time `milliseconds`.
    public func physiologicalSeconds(at milliseconds: Int64) -> Double { Double(milliseconds - start) / 1000 * speed }

    /// The real time (milliseconds) of `seconds` of physiological time.
    public func realMilliseconds(_ seconds: Double) -> Int64 { start + Int64((seconds / speed * 1000).rounded()) }

    /// The hour of day (UTC, 0–24) of the body's clock, which began at the real start.
    public func hourOfDay(_ seconds: Double) -> Double {
        let startHour = Double(start % 86_400_000) / 3_600_000
        return (startHour + seconds / 3600).truncatingRemainder(dividingBy: 24)
    }
}
