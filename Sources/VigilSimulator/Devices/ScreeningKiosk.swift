import Foundation

/// A fever-screening kiosk in a public place: anonymous travellers arrive at random (a Poisson
/// stream of `travellersPerHour`), each measured once; `febrileShare` of them have a fever.
public struct ScreeningKiosk: Sendable {
    /// One traveller's measurement: no identity, by design.
    public struct Event: Sendable, Equatable {
        public var seq: Int64
        public var time: Int64
        public var site: String
        public var celsius: Double
    }

    public let station: Scenario.ScreeningStation
    public let clock: SimulationClock
    private var random: SeededGenerator
    private var nextArrival: Double
    private var seq: Int64 = 0

    public init(_ station: Scenario.ScreeningStation, clock: SimulationClock, seed: UInt64) {
        self.station = station
        self.clock = clock
        random = SeededGenerator(seed: seed, name: station.id)
        nextArrival = 0
        nextArrival = gap()
    }

    /// Seconds to the next traveller (exponentially distributed).
    private mutating func gap() -> Double { -log(max(random.unit(), 1e-12)) * 3600 / max(station.travellersPerHour, 1e-9) }

    /// The travellers measured up to `seconds` of physiological time.
    public mutating func events(until seconds: Double) -> [Event] {
        var out: [Event] = []
        while nextArrival <= seconds {
            let febrile = random.unit() < station.febrileShare
            let celsius = febrile ? 38.0 + random.unit() * 1.6 : min(37.7, 36.5 + random.normal() * 0.3)
            seq += 1
            out.append(Event(seq: seq, time: clock.realMilliseconds(nextArrival), site: station.site, celsius: (celsius * 10).rounded() / 10))
            nextArrival += gap()
        }
        return out
    }
}
