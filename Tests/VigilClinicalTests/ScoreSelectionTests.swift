import Testing
import VigilClinical
import VigilCore

/// The right score for the patient (the reviewer's findings: qSOFA for a healthy 2-year-old and
/// skipped without heart rate; Bedside PEWS scoring 3 of 7 items unmarked; the age band moving only
/// on a write; a year-only birth date read as 1 January).
@Suite struct ScoreSelectionTests {
    let engine = ClinicalEngine()
    let t0: Int64 = 1_772_352_000_000  // 2026-03-01T08:00:00Z

    func q(_ code: String, _ value: Double, _ unit: String, at seconds: Int64 = 0) -> ClinicalObservation {
        ClinicalObservation(code: code, value: .quantity(value, unit: unit), time: t0 + seconds * 1000, id: "\(code)@\(seconds)")
    }

    func scores(_ observations: [ClinicalObservation], _ context: PatientContext, now: Int64? = nil) -> [ScoreRecord.Kind: ScoreRecord] {
        var state = PatientState()
        var found: [ScoreRecord.Kind: ScoreRecord] = [:]
        for case .score(let s) in engine.process(observations, state: &state, context: context, patient: "p", now: now ?? t0) { found[s.kind] = s }
        return found
    }

    func childVitals(hr: Double = 110, rr: Double = 24, sbp: Double = 100, at seconds: Int64 = 0) -> [ClinicalObservation] {
        [q("8867-4", hr, "/min", at: seconds), q("9279-1", rr, "/min", at: seconds), q("8480-6", sbp, "mm[Hg]", at: seconds)]
    }

    @Test func qSOFAIsForAdultsOnly() {
        #expect(scores(childVitals(), .aged(24, at: t0))[.qsofa] == nil, "a healthy 2-year-old")
        #expect(scores(childVitals(), .aged(215, at: t0))[.qsofa] == nil, "17 years 11 months")
        #expect(scores(childVitals(), .aged(216, at: t0))[.qsofa] != nil, "18 years")
        #expect(scores(childVitals(), PatientContext())[.qsofa] != nil, "no birth date: an adult")
    }

    /// qSOFA has no heart-rate item: respiratory rate, systolic pressure and mentation are enough.
    @Test func qSOFANeedsNoHeartRate() throws {
        let confused = ClinicalObservation(code: "67775-7", value: .consciousness(.voice), time: t0, id: "acvpu")
        let qsofa = try #require(scores([q("9279-1", 24, "/min"), q("8480-6", 95, "mm[Hg]"), confused], .aged(600, at: t0))[.qsofa])
        #expect(qsofa.total == 3 && qsofa.band == "positive")
    }

    @Test func bedsidePEWSScoresAllSevenItemsFromEntriesAndDevices() throws {
        // A 6-year-old: HR 110 (≥ 110: 1), RR 24 (0), SBP 100 (0), capillary refill 3 s (4),
        // moderate effort (2), SpO2 93 (1), 2 L/min oxygen (2): 10.
        let entries = [
            q("44963-7", 3, "s"), q("59408-5", 93, "%"), q("3151-8", 2, "L/min"),
            ClinicalObservation(code: "respiratory-effort", value: .respiratoryEffort(.moderate), time: t0, id: "effort"),
        ]
        let pews = try #require(scores(childVitals() + entries, .aged(72, at: t0))[.pews])
        #expect(pews.total == 10 && pews.assumed.isEmpty)
        #expect(pews.parts.count == 7)
        #expect(pews.parts.first { $0.code == "pews-capillary-refill" }?.points == 4)
        // The vital signs alone: partial, saying what was taken as normal.
        let partial = try #require(scores(childVitals(), .aged(72, at: t0))[.pews])
        #expect(partial.total == 1)
        #expect(partial.assumed == ["capillary refill under 3 s", "respiratory effort normal", "SpO2 normal", "room air"])
        #expect(partial.observation(patient: "p")["note"]?[0]?["text"]?.stringValue?.contains("respiratory effort normal") == true)
    }

    @Test(arguments: [(94.0, 1), (95, 0), (90, 2), (91, 1)])
    func pewsSpO2Bands(_ spo2: Double, _ points: Int) throws {
        let result = try #require(
            PEWS.score(.init(ageInMonths: 72, heartRate: 90, systolicBP: 100, respiratoryRate: 24, spo2: spo2), policy: .bedside2009))
        #expect(result.points[.spo2] == points)
    }

    /// Born 2022-03-02: 3 years 11 months on 2026-03-01 (HR 115 scores 0 in [1, 4 years)); two
    /// days later the same context scores the [4, 12 years) band (HR 115: 1).
    @Test func aBirthdayMovesTheAgeBandWithoutAnyWrite() throws {
        let context = PatientContext(birth: Birth(fhirDate: "2022-03-02"))
        #expect(try #require(scores(childVitals(hr: 115), context)[.pews]).parts.first?.points == 0)
        let later = t0 + 2 * 86_400_000
        #expect(try #require(scores(childVitals(hr: 115, at: 2 * 86_400), context, now: later)[.pews]).parts.first?.points == 1)
        // And on the 16th birthday a patient leaves PEWS for NEWS2.
        let sixteen = PatientContext(birth: Birth(fhirDate: "2010-03-02"))
        let adultVitals = childVitals(hr: 80, rr: 16, sbp: 120) + [q("59408-5", 98, "%"), q("8310-5", 37, "Cel")]
        #expect(scores(adultVitals, sixteen)[.pews] != nil && scores(adultVitals, sixteen)[.news2] == nil)
        let birthday = adultVitals.map {
            var o = $0; o.time = later; return o
        }
        #expect(scores(birthday, sixteen, now: later)[.news2] != nil && scores(birthday, sixteen, now: later)[.pews] == nil)
    }

    /// "2010" on 2026-03-01 allows 15 or 16 years: the younger, PEWS, and the score says so.
    @Test func aYearOnlyBirthDateUsesTheYoungerBandAndSaysSo() throws {
        let birth = try #require(Birth(fhirDate: "2010"))
        #expect(birth.ageInMonths(at: t0) == 182 && birth.partial == "2010")
        let pews = try #require(scores(childVitals(hr: 80, rr: 16, sbp: 120), PatientContext(birth: birth))[.pews])
        #expect(pews.notes == ["the youngest age birth date 2010 allows"])
        #expect(pews.observation(patient: "p")["note"]?[1]?["text"] == "Age: the youngest age birth date 2010 allows.")
        #expect(try #require(Birth(fhirDate: "2010-07")).ageInMonths(at: t0) == 187)
        #expect(try #require(Birth(fhirDate: "2010-07-14")).partial == nil)
    }
}
