import Foundation

/// A fever-screening kiosk in a public place: anonymous travellers arrive at random (a Poisson
/// stream of `travellersPerHour` of real time: a public place's traffic does not run at the
/// physiology's speed), each measured once; `febrileShare` of them have a fever, or
/// `outbreakFebrileShare` once a cluster has begun (`outbreakHours` before the run started).
/// Its archive (``history()``) holds what it screened in the `historyDays` before the run.
public struct ScreeningKiosk: ReadingSource {
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
    /// Real seconds after the run's start.
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

    /// One traveller's temperature, febrile (38.0–39.6 °C) at `share`, else 36.5 ± 0.3 °C below 37.8.
    private mutating func celsius(febrileAt share: Double) -> Double {
        let febrile = random.unit() < share
        let celsius = febrile ? 38.0 + random.unit() * 1.6 : min(37.7, 36.5 + random.normal() * 0.3)
        return (celsius * 10).rounded() / 10
    }

    /// The febrile share at `time` (real milliseconds).
    private func share(at time: Int64) -> Double {
        guard let outbreak = station.outbreakFebrileShare else { return station.febrileShare }
        return time >= clock.start - Int64((station.outbreakHours ?? 0) * 3_600_000) ? outbreak : station.febrileShare
    }

    /// The travellers measured up to `seconds` of physiological time (the real time it maps to).
    public mutating func events(until seconds: Double) -> [Event] {
        var out: [Event] = []
        while nextArrival * clock.speed <= seconds {
            let time = clock.start + Int64(nextArrival * 1000)
            let celsius = celsius(febrileAt: share(at: time))
            seq += 1
            out.append(Event(seq: seq, time: time, site: station.site, celsius: celsius))
            nextArrival += gap()
        }
        return out
    }

    /// The kiosk's archive: the travellers from midnight UTC `historyDays` days before the run's
    /// start up to it, as readings to upload. Call it before the first ``readings(until:)``: the
    /// seqs go on from it.
    public mutating func history() -> [SimulatedReading] {
        let days = Int64(station.historyDays ?? 0)
        guard days > 0 else { return [] }
        var time = Double((clock.start / 86_400_000 - days) * 86_400_000)
        var out: [SimulatedReading] = []
        while true {
            time += gap() * 1000
            guard time < Double(clock.start) else { break }
            seq += 1
            out.append(reading(seq: seq, time: Int64(time), celsius: celsius(febrileAt: share(at: Int64(time)))))
        }
        return out
    }

    private func reading(seq: Int64, time: Int64, celsius: Double) -> SimulatedReading {
        SimulatedReading(seq: seq, time: time, code: "8310-5", value: celsius, unit: "Cel")
    }

    public var nextDue: Double { nextArrival * clock.speed }

    public mutating func readings(until seconds: Double) -> [SimulatedReading] {
        events(until: seconds).map { reading(seq: $0.seq, time: $0.time, celsius: $0.celsius) }
    }

    public mutating func sendsTwice(atSeconds seconds: Double) -> Bool { false }
}
