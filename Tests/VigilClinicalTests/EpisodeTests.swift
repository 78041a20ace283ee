import Testing
import VigilClinical
import VigilCore

/// One episode, one alert that follows the patient (the reviewer's findings: an alert frozen at
/// its first score, a rise within the priority unheard, NEWS2 5↔4 raising three alerts, septic
/// vitals raising four, a predicted low left open beside the low).
@Suite struct EpisodeTests {
    let engine = ClinicalEngine()
    let t0: Int64 = 1_772_352_000_000
    let adult = PatientContext.aged(600, at: 1_772_352_000_000)

    func q(_ code: String, _ value: Double, _ unit: String, at seconds: Int64) -> ClinicalObservation {
        ClinicalObservation(code: code, value: .quantity(value, unit: unit), time: t0 + seconds * 1000, id: "\(code)@\(seconds)")
    }

    func vitals(rr: Double, spo2: Double, sbp: Double, hr: Double, temp: Double, at seconds: Int64) -> [ClinicalObservation] {
        [
            q("9279-1", rr, "/min", at: seconds), q("59408-5", spo2, "%", at: seconds), q("8480-6", sbp, "mm[Hg]", at: seconds),
            q("8867-4", hr, "/min", at: seconds), q("8310-5", temp, "Cel", at: seconds),
        ]
    }

    /// What happened to alerts, in order: `raise news2`, `update`, `worsen`, `clear`.
    struct Story {
        var steps: [(kind: String, condition: AlertCondition?)] = []
        var kinds: [String] { steps.map(\.kind) }
        var last: AlertCondition? { steps.last { $0.condition != nil }?.condition }

        mutating func add(_ outputs: [EngineOutput]) {
            for output in outputs {
                switch output {
                case .raise(let c): steps.append(("raise", c))
                case .update(let c): steps.append(("update", c))
                case .worsen(let c): steps.append(("worsen", c))
                case .clear: steps.append(("clear", nil))
                case .score: continue
                }
            }
        }
    }

    /// NEWS2 5 (medium): RR 21 (2), SpO2 95 (1), HR 95 (1), T 38.5 (1); 4 with T 37.
    func flap(_ story: inout Story, _ state: inout PatientState, five: Bool, at seconds: Int64) {
        story.add(
            engine.process(
                vitals(rr: 21, spo2: 95, sbp: 120, hr: 95, temp: five ? 38.5 : 37, at: seconds), state: &state, context: adult, patient: "p",
                now: t0 + seconds * 1000))
    }

    /// NEWS2 5↔4 (the reviewer saw three alerts in 6 seconds): one alert, which stays while the
    /// score is within 2 points of its band, and ends 5 minutes after the score left it (2).
    @Test func aScoreMovingBetweenBandsIsOneAlertThatEndsAfterTheHold() {
        var state = PatientState(), story = Story()
        for (index, second) in [0, 2, 4, 6].enumerated() { flap(&story, &state, five: index % 2 == 0, at: Int64(second)) }
        #expect(story.kinds.filter { $0 == "raise" } == ["raise"])
        #expect(story.last?.message.hasPrefix("NEWS2 4") == true, "the alert says the score now: \(story.last?.message ?? "")")
        story.add(engine.tick(&state, now: t0 + 399_000))
        #expect(!story.kinds.contains("clear"), "4 is within 2 points of the medium band")
        // NEWS2 3 (RR 21, HR 95) stays in it; 1 (HR 95) leaves it, held 5 minutes.
        story.add(
            engine.process(
                vitals(rr: 21, spo2: 97, sbp: 120, hr: 95, temp: 37, at: 360), state: &state, context: adult, patient: "p", now: t0 + 360_000))
        story.add(engine.tick(&state, now: t0 + 399_000))
        #expect(!story.kinds.contains("clear"))
        story.add(
            engine.process(
                vitals(rr: 16, spo2: 97, sbp: 120, hr: 95, temp: 37, at: 400), state: &state, context: adult, patient: "p", now: t0 + 400_000))
        story.add(engine.tick(&state, now: t0 + 699_000))
        #expect(!story.kinds.contains("clear"), "held for 5 minutes below its band")
        story.add(engine.tick(&state, now: t0 + 706_000))
        #expect(story.kinds.last == "clear")
        #expect(story.kinds.filter { $0 == "raise" }.count == 1)
    }

    /// A motion artefact on a continuous monitor (two readings of five) does not move the score:
    /// each vital sign is read as the median of its last 5 minutes.
    @Test func twoArtefactualReadingsDoNotMoveTheScore() throws {
        var state = PatientState()
        var totals: [Int] = []
        for minute in 0..<6 {
            let moving = minute == 3 || minute == 4
            for case .score(let s) in engine.process(
                vitals(rr: 16, spo2: moving ? 88 : 97, sbp: 120, hr: moving ? 125 : 75, temp: 37, at: Int64(minute) * 60), state: &state,
                context: adult, patient: "p", now: t0 + Int64(minute) * 60_000)
            where s.kind == .news2 { totals.append(s.total) }
        }
        #expect(totals == [0], "\(totals)")
    }

    /// Septic vitals, SpO2 below 90 % for two minutes and systolic below 90: one alert whose
    /// conditions are NEWS2, qSOFA and both threshold rules, led by NEWS2.
    @Test func septicVitalsAreOneEpisodeListingEveryCondition() throws {
        var state = PatientState(), story = Story()
        let confused = ClinicalObservation(code: "67775-7", value: .consciousness(.confusion), time: t0, id: "acvpu")
        story.add(
            engine.process(
                vitals(rr: 26, spo2: 88, sbp: 85, hr: 125, temp: 39.2, at: 0) + [confused], state: &state, context: adult, patient: "p", now: t0))
        story.add(engine.process([q("59408-5", 87, "%", at: 130)], state: &state, context: adult, patient: "p", now: t0 + 130_000))
        #expect(story.kinds.filter { $0 == "raise" }.count == 1)
        let alert = try #require(story.last)
        #expect(alert.key == "deterioration" && alert.kind == "news2" && alert.priority == .high)
        let conditions = Set(alert.values["conditions"]?.arrayValue?.compactMap { $0["condition"]?.stringValue } ?? [])
        #expect(conditions == ["news2", "qsofa", "threshold:spo2-low", "threshold:systolic-low", "fever"], "\(conditions)")
        #expect(alert.message.hasPrefix("NEWS2 16 (high); also"), "\(alert.message)")
    }

    /// NEWS2 7 → 10 → 5 → 8: the alert always names the current score and keeps its peak.
    @Test func theAlertFollowsTheScoreAndKeepsItsPeak() throws {
        var state = PatientState(), story = Story()
        // (RR, SpO2, systolic, HR, T): 3+1+1+2+0 = 7; 3+1+1+3+2 = 10; 2+1+0+1+1 = 5; 3+1+1+2+1 = 8.
        let sets: [(Double, Double, Double, Double, Double)] = [
            (25, 94, 105, 115, 37), (25, 94, 105, 135, 39.5), (22, 95, 115, 95, 38.5), (25, 94, 105, 115, 38.5),
        ]
        var messages: [String] = []
        // Sets 6 minutes apart: each score reads its own set (the median window is 5 minutes).
        for (index, set) in sets.enumerated() {
            let seconds = Int64(index) * 360
            story.add(
                engine.process(
                    vitals(rr: set.0, spo2: set.1, sbp: set.2, hr: set.3, temp: set.4, at: seconds), state: &state, context: adult, patient: "p",
                    now: t0 + seconds * 1000))
            messages.append(story.last?.message ?? "")
        }
        #expect(messages.map { String($0.prefix(8)) } == ["NEWS2 7 ", "NEWS2 10", "NEWS2 5 ", "NEWS2 8 "], "\(messages)")
        #expect(story.kinds == ["raise", "worsen", "update", "update"], "7 → 10 tells again; 5 and 8 are not 2 above 10")
        let alert = try #require(story.last)
        #expect(alert.priority == .high)
        #expect(alert.values["peak"]?["message"]?.stringValue?.hasPrefix("NEWS2 10") == true)
        #expect(alert.values["total"] == 8)
    }

    /// A rise of 2 points above what was last notified, within the same priority, notifies again.
    @Test func aRiseOfTwoWithinTheSamePriorityNotifiesAgain() {
        var state = PatientState(), story = Story()
        // 7; T 38.5: 8; T 39.5: 9 (2 above 7); HR 135: 10; SpO2 91: 12 (2 above 10... and 9).
        let sets: [(Double, Double, Double)] = [(94, 115, 37), (94, 115, 38.5), (94, 115, 39.5), (94, 135, 39.5), (91, 135, 39.5)]
        for (index, set) in sets.enumerated() {
            let seconds = Int64(index) * 360
            story.add(
                engine.process(
                    vitals(rr: 25, spo2: set.0, sbp: 105, hr: set.1, temp: set.2, at: seconds), state: &state, context: adult, patient: "p",
                    now: t0 + seconds * 1000))
        }
        #expect(story.kinds == ["raise", "update", "worsen", "update", "worsen"], "\(story.steps.map { $0.condition?.message ?? "" })")
    }

    /// The predicted low and the low are one alert: the prediction gives way to the low, and the
    /// alert resolves when the low clears.
    @Test func thePredictedLowMergesIntoTheLowAndResolvesWithIt() throws {
        var state = PatientState(), story = Story()
        let values = [150.0, 140, 130, 120, 110, 100, 90, 80, 70, 60, 50, 40, 40, 50, 60, 70, 80, 90, 100]
        for (index, mgdl) in values.enumerated() {
            let time = t0 + Int64(index) * 300_000
            story.add(
                engine.process(
                    [ClinicalObservation(code: "99504-3", value: .quantity(mgdl, unit: "mg/dL"), time: time, id: "\(index)")], state: &state,
                    context: .aged(96, at: t0), patient: "c", now: time))
            if mgdl == 40, let alert = story.last {
                #expect(alert.kind == "glucose-low" && alert.message.hasPrefix("Glucose 40 mg/dL: level 2"), "\(alert.message)")
                #expect(!alert.message.contains("forecast") && !alert.message.contains("predicted"), "\(alert.message)")
                #expect(alert.values["conditions"]?.arrayValue?.contains { $0["condition"] == "glucose-predicted-low" } != true)
            }
        }
        #expect(story.kinds.filter { $0 == "raise" }.count == 1)
        #expect(story.kinds.last == "clear")
        #expect(story.steps.first?.condition?.kind == "glucose-predicted-low" || story.steps.first?.condition?.kind == "glucose-falling-fast")
    }

    /// One normal set dated 2099 does not stand as "latest" and hide deterioration sent afterwards:
    /// NEWS2 is what the deterioration alone gives (the reviewer's finding: NEWS2 0, no alert).
    @Test func aFutureDatedSetDoesNotHideDeterioration() throws {
        func news2(_ observations: [ClinicalObservation]) -> ScoreRecord? {
            var state = PatientState()
            var last: ScoreRecord?
            for batch in observations.chunked(by: { $0.time == $1.time }) {
                for case .score(let s) in engine.process(Array(batch), state: &state, context: adult, patient: "p", now: t0 + 60_000)
                where s.kind == .news2 {
                    last = s
                }
            }
            return last
        }
        let future = vitals(rr: 16, spo2: 98, sbp: 120, hr: 80, temp: 37, at: 4_000_000_000 - 1_772_352)
        let deterioration = vitals(rr: 31, spo2: 82, sbp: 86, hr: 142, temp: 39.8, at: 60)
        let alone = try #require(news2(deterioration))
        #expect(alone.total == 14)
        #expect(try #require(news2(future + deterioration)).total == alone.total)
        // Within the tolerance a reading counts as measured now.
        let soon = vitals(rr: 31, spo2: 82, sbp: 86, hr: 142, temp: 39.8, at: 60 + 240)
        #expect(try #require(news2(soon)).time == t0 + 60_000)
    }
}

extension Array {
    /// Runs of consecutive elements that belong together.
    func chunked(by together: (Element, Element) -> Bool) -> [ArraySlice<Element>] {
        var chunks: [ArraySlice<Element>] = []
        var start = startIndex
        for index in indices.dropFirst() where !together(self[index - 1], self[index]) {
            chunks.append(self[start..<index])
            start = index
        }
        if start < endIndex { chunks.append(self[start..<endIndex]) }
        return chunks
    }
}
