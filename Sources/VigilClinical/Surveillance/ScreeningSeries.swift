import VigilCore

/// A screening site's days: how many people it screened, how many at or above its fever cut-off,
/// and EARS and a CUSUM on the febrile counts. The cut-off is the site's (a thermal camera reads skin, not body,
/// temperature: clinical.md §6), inclusive as the CDC's ≥ 38 °C is.
public enum ScreeningSeries {
    /// One anonymous screening: when, and the temperature in °C.
    public struct Measurement: Sendable, Equatable {
        public var time: Int64
        public var celsius: Double

        public init(time: Int64, celsius: Double) { (self.time, self.celsius) = (time, celsius) }
    }

    /// One local day of the site.
    public struct Day: Sendable, Equatable {
        /// `YYYY-MM-DD` in the site's zone.
        public var date: String
        public var screened: Int
        public var febrile: Int
        public var ears: EARS.Day
        /// CUSUM of the febrile counts standardised against C2's baseline (nil until it has one).
        public var cusum: CUSUM.Sum?

        /// Whether EARS (C1, C2 or C3) or the CUSUM alarms on a day with screenings. C3 and the
        /// CUSUM carry earlier days over one without data (the first minutes after midnight): that
        /// day has nothing to show, and yesterday's signal still raises.
        public var signal: Bool { screened > 0 && (ears.signal || cusum?.alarm == true) }
    }

    /// Every local day from the one holding `from` to the one holding `to` (days without a
    /// screening count 0), with EARS and the CUSUM over them in order from the first day with a
    /// screening (the days before it have no data, not a quiet baseline: they have no statistics).
    /// - Parameter utcOffset: the site's offset from UTC in seconds at an instant (0: UTC).
    public static func days(
        _ measurements: [Measurement], cutOff: Double, from: Int64, to: Int64, utcOffset: (Int64) -> Int = { _ in 0 }, ears: EARS = EARS(),
        cusum: CUSUM = CUSUM()
    ) -> [Day] {
        func localDay(_ time: Int64) -> Int64 {
            let local = time + Int64(utcOffset(time)) * 1000
            return local >= 0 ? local / 86_400_000 : (local + 1) / 86_400_000 - 1
        }
        let first = localDay(from)
        let last = max(first, localDay(to))
        var screened = [Int](repeating: 0, count: Int(last - first + 1))
        var febrile = screened
        for measurement in measurements {
            let index = Int(localDay(measurement.time) - first)
            guard screened.indices.contains(index) else { continue }
            screened[index] += 1
            if measurement.celsius >= cutOff { febrile[index] += 1 }
        }
        // The days before the site's first screening have no data: they are no quiet baseline.
        let opened = screened.firstIndex { $0 > 0 } ?? screened.count
        let detected = Array(repeating: EARS.Day(c1: nil, c2: nil, c3: nil), count: opened) + ears.evaluate(febrile[opened...].map(Double.init))
        let sums = Array(repeating: nil, count: opened) + cusum.sums(standardized: detected[opened...].map { $0.c2?.statistic })
        return screened.indices.map { index in
            Day(
                date: FHIRDateTime.date(milliseconds: (first + Int64(index)) * 86_400_000), screened: screened[index], febrile: febrile[index],
                ears: detected[index], cusum: sums[index])
        }
    }
}
