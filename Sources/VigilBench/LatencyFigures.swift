import Foundation
import Histogram

/// Latencies, summarised as p50, p99 and the maximum.
struct LatencyFigures: Sendable {
    private var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)

    var count: Int { Int(histogram.totalCount) }

    mutating func record(milliseconds: Double) { _ = histogram.record(UInt64(max(1, milliseconds * 1000))) }

    mutating func record(_ duration: Duration) { _ = histogram.record(max(1, duration.microseconds)) }

    /// `p50 1.2 ms, p99 3.4 ms, max 5.6 ms`.
    var line: String {
        guard count > 0 else { return "no samples" }
        func ms(_ us: UInt64) -> String { String(format: "%.1f ms", Double(us) / 1000) }
        return "p50 \(ms(histogram.valueAtPercentile(50))), p99 \(ms(histogram.valueAtPercentile(99))), max \(ms(histogram.max))"
    }
}
