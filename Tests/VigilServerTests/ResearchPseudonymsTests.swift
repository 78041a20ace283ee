import Crypto
import Testing
import VigilCore

@testable import VigilServer

/// DEID-4: pseudonyms are stable within a project, differ across projects and server keys, and
/// are FHIR ids.
@Suite struct ResearchPseudonymsTests {
    @Test func stableWithinAProjectDifferentAcrossProjectsAndKeys() {
        let key = SecureRandom.bytes(32)
        let asthma = ResearchPseudonyms(researchKey: key, project: "asthma-2026")
        let again = ResearchPseudonyms(researchKey: key, project: "asthma-2026")
        let flu = ResearchPseudonyms(researchKey: key, project: "flu-2026")
        let otherServer = ResearchPseudonyms(researchKey: SecureRandom.bytes(32), project: "asthma-2026")
        #expect(asthma("Patient/p1") == again("Patient/p1"))
        #expect(asthma("Patient/p1") != asthma("Patient/p2") && asthma("Patient/p1") != asthma("Observation/p1"))
        #expect(asthma("Patient/p1") != flu("Patient/p1") && asthma("Patient/p1") != otherServer("Patient/p1"))
        let pseudonym = asthma("Patient/p1")
        #expect(pseudonym.count == 32 && pseudonym.allSatisfy { $0.isHexDigit } && FHIRID.isValid(pseudonym))
        // Without the key, a plain hash of the reference does not give it.
        let unkeyed = SHA256.hash(data: Array("Patient/p1".utf8)).prefix(16).map { String($0, radix: 16).leftPadded }.joined()
        #expect(unkeyed.count == 32 && pseudonym != unkeyed)
    }
}

extension String {
    /// Two hex digits.
    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
