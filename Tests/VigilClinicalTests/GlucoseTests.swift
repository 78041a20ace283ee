import PropertyBased
import Testing
import VigilClinical
import VigilCore

@Suite struct GlucoseTests {
    let policy = GlucosePolicy.standard

    /// §12.4: current ADA levels.
    @Test(arguments: [(72.0, Glucose.Level.none), (69, .one), (54, .one), (53, .two), (70, .none)])
    func levels(_ mgdl: Double, _ level: Glucose.Level) {
        #expect(Glucose.level(mgdl, policy: policy) == level)
    }

    @Test func mmolConvertsWithNightscoutsConstant() throws {
        #expect(abs(try #require(Glucose.milligramsPerDeciliter(3.9, unit: "mmol/L")) - 70.26) < 0.01)
        #expect(Glucose.milligramsPerDeciliter(3.9, unit: "%") == nil)
    }

    /// §12.4 trend directions (xDrip slope bands), two readings 5 minutes apart.
    @Test(arguments: [(120.0, 105.0, Glucose.Direction.singleDown), (120, 102, .doubleDown), (100, 116, .singleUp), (100, 105, .flat)])
    func trendArrows(_ from: Double, _ to: Double, _ direction: Glucose.Direction) throws {
        let slope = try #require(Glucose.slope([.init(time: 0, mgdl: from), .init(time: 300_000, mgdl: to)]))
        #expect(Glucose.Direction(slope: slope) == direction)
    }

    @Test func directionEdges() {
        for (slope, direction) in [
            (-3.5, Glucose.Direction.doubleDown), (-3.49, .singleDown), (-2, .singleDown), (-1.99, .fortyFiveDown), (-1, .fortyFiveDown),
            (-0.99, .flat), (1, .flat), (1.01, .fortyFiveUp), (2, .fortyFiveUp), (2.01, .singleUp), (3.5, .singleUp), (3.51, .doubleUp),
            (40.1, .notComputable),
        ] {
            #expect(Glucose.Direction(slope: slope) == direction, "\(slope)")
        }
    }

    /// §12.4 Nightscout AR2 table.
    @Test(arguments: [
        (100.0, 105.0, [109, 112, 115, 117, 118, 120], AR2.Level.none), (150, 170, [186, 198, 206, 212, 216, 218], .warn),
        (140, 200, [258, 309, 350, 381, 400, 400], .urgent), (90, 80, [74, 70, 68, 66, 66, 66], .warn),
        (90, 83, [79, 76, 74, 73, 73, 73], .warn), (120, 85, [66, 56, 50, 46, 44, 43], .urgent),
    ])
    func ar2Forecasts(_ previous: Double, _ current: Double, _ points: [Int], _ level: AR2.Level) throws {
        let forecast = try #require(AR2.forecast(previous: previous, current: current))
        #expect(forecast.points == points)
        #expect(forecast.level == level)
    }

    @Test func ar2WorkedLoss() throws {
        #expect(abs(try #require(AR2.forecast(previous: 150, current: 170)).averageLoss - 0.0664) < 0.0005)
        #expect(AR2.forecast(previous: 50, current: 35) == nil)
    }

    @Test func linearForecastFollowsASteadyFall() throws {
        let falling = (0..<4).map { Glucose.Sample(time: Int64($0) * 300_000, mgdl: 130 - Double($0) * 15) }
        #expect(abs(try #require(Glucose.linearForecast(falling, minutes: 20)) - 25) < 0.001)
        #expect(abs(try #require(Glucose.slope(falling)) + 3) < 0.0001)
    }
}

@Suite struct AsthmaAndFeverTests {
    /// §12.5, personal best 400 L/min.
    @Test(arguments: [(400.0, PeakFlow.Zone.green), (320, .green), (319, .yellow), (200, .yellow), (199, .red)])
    func peakFlowZones(_ flow: Double, _ zone: PeakFlow.Zone) {
        #expect(PeakFlow.zone(flow: flow, best: 400, policy: .standard) == zone)
    }

    @Test func feverInFahrenheitToo() throws {
        #expect(try #require(FeverPolicy.celsius(100.4, unit: "[degF]")) >= 38.0)
        #expect(FeverPolicy.celsius(1, unit: "%") == nil)
    }
}
