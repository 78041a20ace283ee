import Testing
import VigilClinical
import VigilCore

/// One rule at a time: every condition its own alert (the episodes are tested in EpisodeTests).
@Suite struct EngineTests {
    let engine = ClinicalEngine(policy: .conditionByCondition)
    let t0: Int64 = 1_772_352_000_000

    func q(_ code: String, _ value: Double, _ unit: String, at seconds: Int64, id: String? = nil) -> ClinicalObservation {
        ClinicalObservation(code: code, value: .quantity(value, unit: unit), time: t0 + seconds * 1000, id: id ?? "\(code)@\(seconds)")
    }

    func vitals(rr: Double, spo2: Double, sbp: Double, hr: Double, temp: Double, at seconds: Int64) -> [ClinicalObservation] {
        [
            q("9279-1", rr, "/min", at: seconds), q("59408-5", spo2, "%", at: seconds), q("8480-6", sbp, "mm[Hg]", at: seconds),
            q("8867-4", hr, "/min", at: seconds), q("8310-5", temp, "Cel", at: seconds),
        ]
    }

    func raised(_ outputs: [EngineOutput]) -> [String: Priority] {
        var result: [String: Priority] = [:]
        for case .raise(let condition) in outputs { result[condition.key] = condition.priority }
        for case .update(let condition) in outputs { result[condition.key] = condition.priority }
        for case .worsen(let condition) in outputs { result[condition.key] = condition.priority }
        return result
    }

    func cleared(_ outputs: [EngineOutput], _ key: String) -> Bool {
        outputs.contains { if case .clear(key, _) = $0 { true } else { false } }
    }

    @Test func noScoreUntilAllFiveVitalSigns() {
        var state = PatientState()
        let outputs = engine.process(
            Array(vitals(rr: 16, spo2: 98, sbp: 120, hr: 80, temp: 37, at: 0).dropLast()), state: &state, context: .init(), patient: "p", now: t0)
        #expect(!outputs.contains { if case .score(let s) = $0 { return s.kind == .news2 } else { return false } })
    }

    @Test func aDeterioratingAdultRaisesNEWS2HighWithPartialMarkingAndSources() throws {
        var state = PatientState()
        var outputs = engine.process(
            vitals(rr: 16, spo2: 98, sbp: 120, hr: 80, temp: 37, at: 0), state: &state, context: .aged(600, at: t0), patient: "p", now: t0)
        let first = try #require(outputs.compactMap { if case .score(let s) = $0, s.kind == .news2 { s } else { nil } }.first)
        #expect(first.total == 0 && first.assumed == ["consciousness alert", "breathing air"])
        #expect(Set(first.derivedFrom) == ["9279-1@0", "59408-5@0", "8480-6@0", "8867-4@0", "8310-5@0"])
        #expect(FHIRValidator.validate(first.observation(patient: "p")) == [])
        // Same values again: no new score.
        outputs = engine.process(
            vitals(rr: 16, spo2: 98, sbp: 120, hr: 80, temp: 37, at: 60), state: &state, context: .aged(600, at: t0), patient: "p",
            now: t0 + 60_000)
        #expect(!outputs.contains { if case .score(let s) = $0 { return s.kind == .news2 } else { return false } })
        // N13-like: NEWS2 8 → high.
        outputs = engine.process(
            vitals(rr: 9, spo2: 92, sbp: 105, hr: 100, temp: 38.1, at: 120) + [q("3151-8", 2, "L/min", at: 120)],
            state: &state, context: .aged(600, at: t0), patient: "p", now: t0 + 120_000)
        #expect(raised(outputs)["news2"] == .high)
        let score = try #require(outputs.compactMap { if case .score(let s) = $0, s.kind == .news2 { s } else { nil } }.first)
        #expect(score.total == 8 && score.band == "high" && score.assumed == ["consciousness alert"])
        // Recovery clears it.
        outputs = engine.process(
            vitals(rr: 16, spo2: 98, sbp: 120, hr: 80, temp: 37, at: 180) + [q("3151-8", 0, "L/min", at: 180)],
            state: &state, context: .aged(600, at: t0), patient: "p", now: t0 + 180_000)
        #expect(
            outputs.contains(.clear(key: "news2", values: outputs.compactMap { if case .clear("news2", let v) = $0 { v } else { nil } }.first ?? nil))
        )
    }

    @Test func recordedConsciousnessCounts() throws {
        var state = PatientState()
        let outputs = engine.process(
            vitals(rr: 18, spo2: 97, sbp: 130, hr: 72, temp: 37.1, at: 0) + [
                ClinicalObservation(code: "1104441000000107", value: .consciousness(.confusion), time: t0, id: "acvpu")
            ],
            state: &state, context: .init(), patient: "p", now: t0)
        let score = try #require(outputs.compactMap { if case .score(let s) = $0, s.kind == .news2 { s } else { nil } }.first)
        #expect(score.total == 3 && score.band == "low-medium" && score.assumed == ["breathing air"])
        #expect(raised(outputs)["news2"] == .medium)
        #expect(raised(outputs)["qsofa"] == nil)
    }

    @Test func staleVitalsDoNotScore() {
        var state = PatientState()
        _ = engine.process(vitals(rr: 16, spo2: 98, sbp: 120, hr: 80, temp: 37, at: 0), state: &state, context: .init(), patient: "p", now: t0)
        let later = engine.process([q("8867-4", 130, "/min", at: 7200)], state: &state, context: .init(), patient: "p", now: t0 + 7_200_000)
        #expect(!later.contains { if case .score = $0 { return true } else { return false } })
    }

    @Test func childrenGetPEWSNotNEWS2() throws {
        var state = PatientState()
        let outputs = engine.process(
            vitals(rr: 32, spo2: 97, sbp: 84, hr: 145, temp: 37, at: 0), state: &state, context: .aged(168, at: t0), patient: "c", now: t0)
        let kinds = Set(outputs.compactMap { if case .score(let s) = $0 { s.kind } else { nil } })
        #expect(kinds == [.pews])
        #expect(raised(outputs)["pews"] == .high)
        #expect(try #require(Birth(fhirDate: "2012-03-02")).ageInMonths(at: t0) == 167)
        #expect(try #require(Birth(fhirDate: "2012-03-01")).ageInMonths(at: t0) == 168)
    }

    @Test func sustainedThresholdNeedsItsDurationAndClearsWithHysteresis() {
        var state = PatientState()
        var events: [EngineOutput] = []
        for (second, spo2) in [(0, 89.0), (60, 88), (119, 89), (120, 89), (150, 91), (180, 92)] as [(Int64, Double)] {
            events += engine.process([q("59408-5", spo2, "%", at: second)], state: &state, context: .init(), patient: "p", now: t0 + second * 1000)
        }
        let keys = events.compactMap { output -> String? in
            switch output {
            case .raise(let c) where c.key == "threshold:spo2-low": "raise"
            case .clear("threshold:spo2-low", _): "clear"
            default: nil
            }
        }
        #expect(keys == ["raise", "clear"])
        var blip = PatientState()
        var blipEvents: [EngineOutput] = []
        for (second, spo2) in [(0, 89.0), (30, 95), (70, 89)] as [(Int64, Double)] {
            blipEvents += engine.process([q("59408-5", spo2, "%", at: second)], state: &blip, context: .init(), patient: "p", now: t0 + second * 1000)
        }
        #expect(raised(blipEvents)["threshold:spo2-low"] == nil)
    }

    @Test func carePlanRulesReplacePolicyRules() {
        let strict = ThresholdRule(
            id: "spo2-low", codes: ["59408-5"], unit: "%", direction: .below, limit: 94, clearAt: 95, sustainedSeconds: 0, priority: .medium,
            message: "below 94")
        var state = PatientState()
        let outputs = engine.process([q("59408-5", 93, "%", at: 0)], state: &state, context: .init(thresholdRules: [strict]), patient: "p", now: t0)
        #expect(raised(outputs)["threshold:spo2-low"] == .medium)
        #expect(PatientContext().rules(policy: .standard, ageInMonths: 24).map(\.id) == ["spo2-low"])
    }

    /// A child's glucose falling 3 mg/dL a minute: the predicted low comes before the low.
    @Test func aFallingGlucoseIsPredictedBeforeItIsLow() {
        var state = PatientState()
        var order: [String] = []
        for step in 0..<12 {
            let mgdl = 150 - Double(step) * 15
            let outputs = engine.process(
                [q("99504-3", mgdl, "mg/dL", at: Int64(step) * 300)], state: &state, context: .aged(96, at: t0), patient: "c",
                now: t0 + Int64(step) * 300_000)
            for case .raise(let condition) in outputs where !order.contains(condition.key) { order.append(condition.key) }
            for case .worsen(let condition) in outputs
            where condition.key == "glucose-low" && condition.priority == .high && !order.contains("glucose-low-2") { order.append("glucose-low-2") }
        }
        #expect(order.firstIndex(of: "glucose-predicted-low")! < order.firstIndex(of: "glucose-low")!)
        #expect(order.contains("glucose-falling-fast") && order.contains("glucose-low-2"))
    }

    @Test func aStaleCGMIsNoticedOnTheTick() {
        var state = PatientState()
        _ = engine.process([q("99504-3", 120, "mg/dL", at: 0)], state: &state, context: .init(), patient: "c", now: t0)
        #expect(engine.tick(&state, now: t0 + 19 * 60_000).isEmpty)
        #expect(raised(engine.tick(&state, now: t0 + 21 * 60_000))["cgm-stale"] == .medium)
        let fresh = engine.process([q("99504-3", 118, "mg/dL", at: 1300)], state: &state, context: .init(), patient: "c", now: t0 + 1_300_000)
        #expect(fresh.contains { if case .clear("cgm-stale", _) = $0 { true } else { false } })
    }

    /// §12.6 and §5: fever at 38.0, asthma red flags for a 4- and a 7-year-old with a plan.
    @Test func feverAndAsthmaRedFlags() {
        var state = PatientState()
        #expect(raised(engine.process([q("8310-5", 37.9, "Cel", at: 0)], state: &state, context: .init(), patient: "p", now: t0))["fever"] == nil)
        #expect(raised(engine.process([q("8310-5", 38.0, "Cel", at: 10)], state: &state, context: .init(), patient: "p", now: t0))["fever"] == .low)
        var four = PatientState()
        let plan4 = PatientContext.aged(48, at: t0, peakFlowBest: 200)
        #expect(raised(engine.process([q("59408-5", 91, "%", at: 0)], state: &four, context: plan4, patient: "c", now: t0))["asthma-spo2"] == .high)
        var seven = PatientState()
        let plan7 = PatientContext.aged(84, at: t0, peakFlowBest: 300)
        #expect(raised(engine.process([q("9279-1", 30, "/min", at: 0)], state: &seven, context: plan7, patient: "c", now: t0))["asthma-rr"] == nil)
        #expect(raised(engine.process([q("9279-1", 31, "/min", at: 1)], state: &seven, context: plan7, patient: "c", now: t0))["asthma-rr"] == .high)
        let yellow = engine.process([q("19935-6", 200, "L/min", at: 2)], state: &seven, context: plan7, patient: "c", now: t0)
        #expect(raised(yellow)["peak-flow"] == .medium)
        #expect(
            raised(engine.process([q("19935-6", 140, "L/min", at: 3)], state: &seven, context: plan7, patient: "c", now: t0))["peak-flow"] == .high)
        // Hysteresis: a raised red flag holds while SpO2 hovers at the limit and clears 2 points inside it.
        #expect(!cleared(engine.process([q("59408-5", 92, "%", at: 5)], state: &four, context: plan4, patient: "c", now: t0), "asthma-spo2"))
        #expect(!cleared(engine.process([q("59408-5", 93.5, "%", at: 6)], state: &four, context: plan4, patient: "c", now: t0), "asthma-spo2"))
        #expect(cleared(engine.process([q("59408-5", 94, "%", at: 7)], state: &four, context: plan4, patient: "c", now: t0), "asthma-spo2"))
        #expect(!cleared(engine.process([q("9279-1", 29.5, "/min", at: 8)], state: &seven, context: plan7, patient: "c", now: t0), "asthma-rr"))
        #expect(cleared(engine.process([q("9279-1", 28, "/min", at: 9)], state: &seven, context: plan7, patient: "c", now: t0), "asthma-rr"))
        var none = PatientState()
        #expect(
            raised(engine.process([q("59408-5", 91, "%", at: 0)], state: &none, context: .aged(48, at: t0), patient: "c", now: t0))[
                "asthma-spo2"] == nil)
    }

    /// Replaying the same readings into a fresh state gives the same raised conditions: the state
    /// can be rebuilt from the store after a restart.
    @Test func replayRebuildsTheSameState() {
        let readings =
            vitals(rr: 25, spo2: 91, sbp: 100, hr: 120, temp: 39.5, at: 0) + [q("59408-5", 88, "%", at: 30), q("59408-5", 88, "%", at: 155)]
        var live = PatientState()
        for reading in readings { _ = engine.process([reading], state: &live, context: .init(), patient: "p", now: t0 + 200_000) }
        var rebuilt = PatientState()
        _ = engine.process(readings, state: &rebuilt, context: .init(), patient: "p", now: t0 + 200_000)
        #expect(live.raised == rebuilt.raised)
        #expect(live.raised.keys.sorted() == ["fever", "news2", "qsofa", "threshold:spo2-low"])
    }
}

@Suite struct DeviceMonitorTests {
    let policy = TechnicalPolicy.standard
    let t0: Int64 = 1_772_352_000_000

    @Test func aDeviceIsSilentAfterThreeOfItsIntervals() {
        var monitor = DeviceMonitor()
        for minute in 0..<3 {
            _ = monitor.received(at: t0 + Int64(minute) * 60_000, readings: [("8867-4", 70, "/min")], rejected: 0, device: "d", policy: policy)
        }
        #expect(monitor.silenceLimit(policy: policy) == 180)
        #expect(monitor.tick(now: t0 + 2 * 60_000 + 179_000, device: "d", policy: policy).isEmpty)
        let silent = monitor.tick(now: t0 + 2 * 60_000 + 181_000, device: "d", policy: policy)
        #expect(silent.first.map { if case .raise(let c) = $0 { c.key == "device-silent:d" } else { false } } == true)
        let back = monitor.received(at: t0 + 600_000, readings: [("8867-4", 70, "/min")], rejected: 0, device: "d", policy: policy)
        #expect(back.contains { if case .clear("device-silent:d", _) = $0 { true } else { false } })
    }

    @Test func aCGMsConfiguredCadenceArmsSilenceAtOnce() {
        var monitor = DeviceMonitor()
        _ = monitor.received(at: t0, readings: [("99504-3", 120, "mg/dL")], rejected: 0, device: "cgm", policy: policy)
        #expect(monitor.silenceLimit(policy: policy) == 900)
    }

    @Test func batteryClockSkewAndRefusalBursts() {
        var monitor = DeviceMonitor()
        let low = monitor.received(at: t0, readings: [("battery-level", 15, "%")], rejected: 9, clockAhead: 1, device: "d", policy: policy)
        let kinds = Set(low.compactMap { if case .raise(let c) = $0 { c.kind } else { nil } })
        #expect(kinds == ["battery-low", "clock-skew"])
        let burst = monitor.received(at: t0 + 1000, readings: [], rejected: 1, device: "d", policy: policy)
        #expect(burst.contains { if case .raise(let c) = $0 { c.kind == "rejected-readings" } else { false } })
        let recovered = monitor.received(at: t0 + 400_000, readings: [("battery-level", 80, "%")], rejected: 0, device: "d", policy: policy)
        #expect(
            Set(recovered.compactMap { if case .clear(let key, _) = $0 { key } else { nil } }) == [
                "battery-low:d", "clock-skew:d", "rejected-readings:d",
            ])
    }
}
