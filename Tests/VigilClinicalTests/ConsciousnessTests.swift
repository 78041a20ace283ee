import PropertyBased
import Testing
import VigilClinical
import VigilCore

/// Every way a clinician or an EHR records a level of consciousness counts, and what cannot be
/// read is refused, never scored as alert (issue: 'Voice', 'Pain' and 'Unresponsive' scored as 0).
@Suite struct ConsciousnessTests {
    let t0: Int64 = 1_772_352_000_000

    /// An ACVPU Observation as an EHR sends it.
    func entry(code: (system: String, code: String) = ("http://snomed.info/sct", "1104441000000107"), value: JSON) -> JSON {
        var object: JSONObject = [
            "resourceType": "Observation", "status": "final",
            "code": ["coding": [["system": .string(code.system), "code": .string(code.code)]]],
            "subject": ["reference": "Patient/p"], "effectiveDateTime": .string(FHIRDateTime.instant(milliseconds: t0)),
        ]
        for member in value.objectValue ?? [:] { object[member.key] = member.value }
        return .object(object)
    }

    func coded(_ system: String, _ code: String) -> JSON {
        ["valueCodeableConcept": ["coding": [["system": .string(system), "code": .string(code)]]]]
    }
    func text(_ text: String) -> JSON { ["valueString": .string(text)] }

    /// NEWS2 of normal vitals plus `observation`'s consciousness.
    func news2(with observation: JSON) throws -> ScoreRecord {
        let engine = ClinicalEngine()
        var state = PatientState()
        let vitals = [("9279-1", 16.0, "/min"), ("59408-5", 98, "%"), ("8480-6", 120, "mm[Hg]"), ("8867-4", 80, "/min"), ("8310-5", 37, "Cel")]
            .map { ClinicalObservation(code: $0.0, value: .quantity($0.1, unit: $0.2), time: t0, id: $0.0) }
        let entered = try ClinicalObservation.interpret(observation: observation, id: "acvpu")
        let outputs = engine.process(vitals + entered, state: &state, context: .aged(600, at: t0), patient: "p", now: t0)
        return try #require(outputs.compactMap { if case .score(let s) = $0, s.kind == .news2 { s } else { nil } }.last)
    }

    /// The reviewer's findings: each of these gave NEWS2 0 and "consciousness not recorded".
    @Test(arguments: [
        ("http://snomed.info/sct", "450847001"), ("http://snomed.info/sct", "450848006"), ("http://snomed.info/sct", "450849003"),
        ("http://snomed.info/sct", "300202002"), ("http://snomed.info/sct", "422768004"), ("http://snomed.info/sct", "130987000"),
        ("http://loinc.org", "LA17108-4"), ("http://loinc.org", "LA9343-0"),
    ])
    func codedLevelsBelowAlertScoreThree(_ system: String, _ code: String) throws {
        let score = try news2(with: entry(value: coded(system, code)))
        #expect(score.total == 3, "\(code)")
        #expect(score.assumed == ["breathing air"], "\(code)")
    }

    @Test(arguments: ["Responds to voice", "V - responds to voice", "Unresponsive to pain", "New-onset confusion", "responds to PAIN.", "u"])
    func phrasingsBelowAlertScoreThree(_ phrase: String) throws {
        #expect(try news2(with: entry(value: text(phrase))).total == 3, "\(phrase)")
        #expect(try news2(with: entry(value: ["valueCodeableConcept": ["text": .string(phrase)]])).total == 3, "\(phrase)")
    }

    @Test func alertIsAlertAndTheLOINCCodeIsReadToo() throws {
        let alert = try news2(with: entry(code: ("http://loinc.org", "67775-7"), value: coded("http://snomed.info/sct", "248234008")))
        #expect(alert.total == 0 && alert.assumed == ["breathing air"])
        #expect(try news2(with: entry(value: text("Alert"))).total == 0)
    }

    @Test(arguments: ["sleepy", "not alert", "unresponsive to voice", "A - unresponsive", "drowsy", "", "GCS 8"])
    func whatCannotBeReadIsRefusedWithWhatIsAccepted(_ phrase: String) {
        #expect(ACVPU(recorded: phrase) == nil, "\(phrase)")
        #expect {
            try ClinicalObservation.interpret(observation: entry(value: text(phrase)), id: "x")
        } throws: { error in
            let problem = error as? VigilError
            return problem?.message.contains("Responds to voice") == true && problem?.message.contains("450847001") == true
                && problem?.issues.first?.expression == "Observation.valueString"
        }
        let unknownCode = coded("http://snomed.info/sct", "271782001")
        #expect(throws: VigilError.self) { try ClinicalObservation.interpret(observation: entry(value: unknownCode), id: "x") }
    }

    /// Any accepted way of writing a level gives the NEWS2 consciousness points and qSOFA mentation
    /// of its letter.
    @Test func everyAcceptedFormScoresAsItsLetter() async {
        let forms = ACVPU.accepted.flatMap { level, forms in forms.map { (level, $0) } }
        #expect(forms.count >= 40)
        await propertyCheck(count: 300, input: Gen.element(of: forms), Gen.bool, Gen.bool) { pair, upper, padded in
            guard let (level, form) = pair else { return }
            var written = upper ? form.uppercased() : form
            if padded { written = " " + written + "." }
            let read = ACVPU(recorded: written)
            #expect(read == level, "\(written)")
            let points = NEWS2.score(
                .init(respirationRate: 16, spo2: 98, onOxygen: false, systolicBP: 120, pulse: 80, consciousness: read, temperature: 37),
                policy: .rcp2017
            ).points[.consciousness]
            let letter = NEWS2.score(
                .init(respirationRate: 16, spo2: 98, onOxygen: false, systolicBP: 120, pulse: 80, consciousness: level, temperature: 37),
                policy: .rcp2017
            ).points[.consciousness]
            #expect(points == letter)
        }
    }

    /// Text that is none of the accepted forms is refused, however it is cased or padded.
    @Test func unknownTextIsRefused() async {
        let known = Set(ACVPU.accepted.values.joined().map { ACVPU.normalized($0) })
        await propertyCheck(count: 500, input: Gen.letterOrNumber.string(of: 1...14)) { text in
            guard !known.contains(ACVPU.normalized(text)) else { return }
            #expect(ACVPU(recorded: text) == nil, "\(text)")
        }
    }
}
