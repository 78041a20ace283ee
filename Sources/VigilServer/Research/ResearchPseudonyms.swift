import Crypto

/// The pseudonyms of one research project: `Type/id` keyed with HMAC-SHA256 under the project's
/// key, itself keyed from the server's research key and the project's id. Stable within a
/// project, different across projects, and neither recomputable nor reversible by anyone without
/// the server's key (DEID-4). 128 bits, in hex: a FHIR id.
public struct ResearchPseudonyms: Sendable {
    private let key: SymmetricKey

    public init(researchKey: [UInt8], project: String) {
        let projectKey = HMAC<SHA256>.authenticationCode(for: Array("vigil research project \(project)".utf8), using: SymmetricKey(data: researchKey))
        key = SymmetricKey(data: Array(projectKey))
    }

    /// The pseudonym of `reference` (`Patient/123`).
    public func callAsFunction(_ reference: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(reference.utf8), using: key).prefix(16))
    }
}
