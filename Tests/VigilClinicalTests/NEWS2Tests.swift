import PropertyBased
import Testing
import VigilClinical
import VigilCore

@Suite struct NEWS2Tests {
    typealias V = (
        id: String, rr: Double, spo2: Double, scale: NEWS2.Scale, oxygen: Bool, sbp: Double, hr: Double, acvpu: ACVPU, temp: Double, parts: [Int],
        total: Int, band: NEWS2.Band
    )

    /// Worked vectors of the NEWS2 chart (Royal College of Physicians, 2017), parts in chart order: RR, SpO2, air/O2, SBP, HR, ACVPU, temperature.
    static let vectors: [V] = [
        ("N1", 16, 98, .one, false, 120, 80, .alert, 37.0, [0, 0, 0, 0, 0, 0, 0], 0, .low0),
        ("N2", 22, 95, .one, false, 115, 95, .alert, 37.5, [2, 1, 0, 0, 1, 0, 0], 4, .low),
        ("N3", 26, 97, .one, false, 125, 75, .alert, 36.8, [3, 0, 0, 0, 0, 0, 0], 3, .lowMedium),
        ("N4", 18, 97, .one, false, 130, 72, .confusion, 37.1, [0, 0, 0, 0, 0, 3, 0], 3, .lowMedium),
        ("N5", 21, 94, .one, true, 120, 80, .alert, 37.0, [2, 1, 2, 0, 0, 0, 0], 5, .medium),
        ("N6", 25, 91, .one, true, 100, 120, .voice, 39.5, [3, 3, 2, 2, 2, 3, 2], 17, .high),
        ("N7", 18, 90, .two, false, 130, 80, .alert, 36.5, [0, 0, 0, 0, 0, 0, 0], 0, .low0),
        ("N8", 18, 97, .two, true, 130, 80, .alert, 36.5, [0, 3, 2, 0, 0, 0, 0], 5, .medium),
        ("N9", 18, 95, .two, false, 130, 80, .alert, 36.5, [0, 0, 0, 0, 0, 0, 0], 0, .low0),
        ("N10", 18, 93, .two, true, 130, 80, .alert, 36.5, [0, 1, 2, 0, 0, 0, 0], 3, .low),
        ("N11", 20, 96, .one, false, 89, 135, .alert, 37.0, [0, 0, 0, 3, 3, 0, 0], 6, .medium),
        ("N12", 10, 96, .one, false, 125, 45, .alert, 34.8, [1, 0, 0, 0, 1, 0, 3], 5, .medium),
        ("N13", 9, 92, .one, true, 105, 100, .alert, 38.1, [1, 2, 2, 1, 1, 0, 1], 8, .high),
        ("N14", 12, 96, .one, false, 219, 51, .alert, 36.1, [0, 0, 0, 0, 0, 0, 0], 0, .low0),
        ("N15", 8, 84, .two, true, 220, 131, .unresponsive, 35.0, [3, 2, 2, 3, 3, 3, 3], 19, .high),
        ("N16", 24, 85, .two, true, 111, 90, .alert, 39.0, [2, 2, 2, 0, 0, 0, 1], 7, .high),
    ]

    @Test(arguments: vectors.map(\.id))
    func referenceVectors(_ id: String) {
        let v = Self.vectors.first { $0.id == id }!
        let result = NEWS2.score(
            .init(
                respirationRate: v.rr, spo2: v.spo2, onOxygen: v.oxygen, systolicBP: v.sbp, pulse: v.hr, consciousness: v.acvpu, temperature: v.temp,
                scale: v.scale),
            policy: .rcp2017
        )
        #expect(NEWS2.Parameter.allCases.map { result.points[$0]! } == v.parts, "\(id)")
        #expect(result.total == v.total, "\(id)")
        #expect(result.band == v.band, "\(id)")
        #expect(!result.isPartial)
    }

    /// §12.1 single-parameter edges.
    @Test func singleParameterEdges() {
        let p = NEWS2Policy.rcp2017
        for (t, points) in [(35.0, 3), (35.1, 1), (36.0, 1), (36.1, 0), (38.0, 0), (38.1, 1), (39.0, 1), (39.1, 2)] {
            #expect(p.temperature.points(for: t) == points, "T \(t)")
        }
        for (hr, points) in [(40.0, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2), (130, 2), (131, 3)] {
            #expect(p.pulse.points(for: hr) == points, "HR \(hr)")
        }
        for (sbp, points) in [(90.0, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3)] {
            #expect(p.systolicBP.points(for: sbp) == points, "SBP \(sbp)")
        }
        for (rr, points) in [(8.0, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3)] {
            #expect(p.respirationRate.points(for: rr) == points, "RR \(rr)")
        }
    }

    @Test func devicePrecisionIsRoundedBeforeScoring() {
        #expect(NEWS2Policy.rcp2017.temperature.points(for: 36.05) == 0)
        #expect(NEWS2Policy.rcp2017.temperature.points(for: 36.04) == 1)
        #expect(NEWS2Policy.rcp2017.pulse.points(for: 90.4) == 0)
        #expect(NEWS2Policy.rcp2017.pulse.points(for: 90.5) == 1)
    }

    @Test func unrecordedConsciousnessAndOxygenAreAssumedAndMarked() {
        let result = NEWS2.score(
            .init(respirationRate: 16, spo2: 98, onOxygen: nil, systolicBP: 120, pulse: 80, consciousness: nil, temperature: 37), policy: .rcp2017)
        #expect(result.total == 0 && result.isPartial)
        #expect(result.assumed == ["consciousness alert", "breathing air"])
    }

    /// Every band edge of every table: the value at an upper bound scores that band, the next
    /// integer (or tenth of a degree) above it scores the next.
    @Test func everyBandEdge() {
        let p = NEWS2Policy.rcp2017
        for table in [p.respirationRate, p.spo2Scale1, p.spo2Scale2OnAir, p.spo2Scale2OnOxygen, p.systolicBP, p.pulse, p.temperature] {
            let step = table.decimals == 0 ? 1.0 : 0.1
            for (i, band) in table.bands.enumerated() {
                #expect(table.points(for: band.upTo) == band.points)
                let next = i + 1 < table.bands.count ? table.bands[i + 1].points : table.above
                #expect(table.points(for: band.upTo + step) == next)
            }
        }
    }

    @Test func theTotalIsAlwaysTheSumAndTheBandFollowsIt() async {
        await propertyCheck(
            count: 500, input: Gen.int(in: 0...60), Gen.int(in: 50...100), Gen.int(in: 50...250), Gen.int(in: 20...200), Gen.int(in: 330...420),
            Gen.bool
        ) { rr, spo2, sbp, hr, t10, oxygen in
            let result = NEWS2.score(
                .init(
                    respirationRate: Double(rr), spo2: Double(spo2), onOxygen: oxygen, systolicBP: Double(sbp), pulse: Double(hr),
                    consciousness: .alert, temperature: Double(t10) / 10), policy: .rcp2017)
            #expect(result.total == result.points.values.reduce(0, +))
            #expect((0...20).contains(result.total))
            if result.total >= 7 { #expect(result.band == .high) } else if result.total >= 5 { #expect(result.band == .medium) }
            if result.total < 5, result.points.values.contains(3) { #expect(result.band == .lowMedium) }
        }
    }
}
