import PropertyBased
import Testing
import VigilClinical
import VigilCore

@Suite struct PEWSTests {
    /// Worked vectors of the Bedside PEWS vital-sign items (Parshuram et al., 2009; docs/clinical.md).
    @Test(arguments: [
        (24, 125.0, 45.0, 100.0, 2), (2, 185, 85, 55, 5), (168, 145, 32, 84, 10), (96, 110, 31, 120, 3), (6, 100, 24, 80, 3),
    ])
    func referenceVectors(_ age: Int, _ hr: Double, _ rr: Double, _ sbp: Double, _ total: Int) throws {
        let result = try #require(PEWS.score(.init(ageInMonths: age, heartRate: hr, systolicBP: sbp, respiratoryRate: rr), policy: .bedside2009))
        #expect(result.total == total)
    }

    @Test func ageBandsAreLowerInclusive() throws {
        // HR 105: 0 for 3–12 months (>100), 1 for 0–3 months (≤110).
        #expect(
            try #require(PEWS.score(.init(ageInMonths: 2, heartRate: 105, systolicBP: 70, respiratoryRate: 40), policy: .bedside2009)).points[
                .heartRate] == 1)
        #expect(
            try #require(PEWS.score(.init(ageInMonths: 3, heartRate: 105, systolicBP: 90, respiratoryRate: 40), policy: .bedside2009)).points[
                .heartRate] == 0)
        #expect(PEWS.score(.init(ageInMonths: 192, heartRate: 80, systolicBP: 110, respiratoryRate: 14), policy: .bedside2009) == nil)
    }

    @Test func prioritiesFollowThePolicy() throws {
        let p = PEWSPolicy.bedside2009
        let ten = try #require(PEWS.score(.init(ageInMonths: 168, heartRate: 145, systolicBP: 84, respiratoryRate: 32), policy: p))
        #expect(PEWS.priority(ten, policy: p) == .high)
        let three = try #require(PEWS.score(.init(ageInMonths: 96, heartRate: 110, systolicBP: 120, respiratoryRate: 31), policy: p))
        #expect(PEWS.priority(three, policy: p) == nil)
    }

    @Test func everyItemScoresZeroOneTwoOrFour() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...191), Gen.int(in: 20...260), Gen.int(in: 30...220), Gen.int(in: 5...120)) {
            age, hr, sbp, rr in
            let result = PEWS.score(
                .init(ageInMonths: age, heartRate: Double(hr), systolicBP: Double(sbp), respiratoryRate: Double(rr)), policy: .bedside2009)
            #expect(result != nil)
            for item in [PEWS.Item.heartRate, .systolicBP, .respiratoryRate] { #expect([0, 1, 2, 4].contains(result?.points[item] ?? -1)) }
        }
    }
}

@Suite struct QSOFATests {
    @Test func referenceVectors() {
        #expect(QSOFA.score(respiratoryRate: 22, systolicBP: 100, consciousness: .alert, policy: .sepsis3).total == 2)
        #expect(QSOFA.score(respiratoryRate: 21, systolicBP: 101, consciousness: .confusion, policy: .sepsis3).total == 1)
    }

    @Test func operatorsAreInclusive() {
        #expect(QSOFA.score(respiratoryRate: 21.6, systolicBP: 100.4, consciousness: nil, policy: .sepsis3).total == 2)
        #expect(QSOFA.score(respiratoryRate: 21.4, systolicBP: 100.5, consciousness: nil, policy: .sepsis3).total == 0)
        #expect(QSOFA.score(respiratoryRate: 12, systolicBP: 120, consciousness: nil, policy: .sepsis3).assumedAlert)
    }

    @Test func consciousnessIsReadFromLettersWordsAndSNOMED() {
        #expect(ACVPU(recorded: "A") == .alert && ACVPU(recorded: "248234008") == .alert && ACVPU(recorded: "New confusion") == .confusion)
        #expect(ACVPU(recorded: "u") == .unresponsive && ACVPU(recorded: "sleepy") == nil)
    }
}
