import Foundation
import Testing
import VigilCore

@testable import VigilClinical

/// The policy is a document: the standard one survives a round trip, and a document that decodes
/// but cannot be used is refused with what is wrong.
@Suite struct ClinicalPolicyTests {
    @Test func theStandardPolicyRoundTripsAndHasNoProblems() throws {
        #expect(ClinicalPolicy.standard.problems.isEmpty)
        #expect(try ClinicalPolicy.decode(try ClinicalPolicy.standard.encoded()) == .standard)
    }

    @Test func unusablePoliciesAreRefusedWithEachProblem() throws {
        var policy = ClinicalPolicy.standard
        policy.escalation.levels = [
            .init(name: "bedside", roles: ["nurse"]), .init(name: "surgeons", roles: ["surgeon"]), .init(name: "office", roles: ["admin"]),
        ]
        policy.escalation.escalateSeconds[.high] = 0
        policy.news2.pulse = BandTable([(90, 0), (50, 1)], above: 3)
        policy.thresholds.append(policy.thresholds[0])
        policy.thresholds[1].clearAt = 150
        let problems = policy.problems
        #expect(problems.contains { $0.contains("surgeon is not a care role") })
        #expect(problems.contains { $0.contains("admin is not a care role") }, "escalation never ends at administrators")
        #expect(problems.contains { $0.contains("escalation times for high") })
        #expect(problems.contains { $0.contains("news2.pulse: bands must rise") })
        #expect(problems.contains { $0.contains("threshold ids must be unique") })
        #expect(problems.contains { $0.contains("heart-rate-high: clearAt") })
        #expect(throws: VigilError.self) { try ClinicalPolicy.decode(try policy.encoded()) }
    }
}
