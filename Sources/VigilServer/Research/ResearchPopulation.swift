import VigilClinical
import VigilCore

/// Who of a research project's population an export may use: the members who have a Patient
/// (deceased or not), less those whose Consent refuses research (``ResearchConsent``), each with
/// the quasi-identifiers Safe Harbor lets out of their Patient (birth year or 90+, sex, ZIP3). Read
/// in two passes over the store, a page at a time: the Consents, then the Patients. Questions read
/// living patients from the population table instead (``PopulationIndex/research(_:at:)``).
struct ResearchPopulation: Sendable {
    /// Each patient (`Patient/ID`) with their quasi-identifiers.
    var patients: [String: QuasiIdentifiers] = [:]
    /// Members who refused research.
    var refused = 0

    static func read(members: Set<String>, store: any VigilStore, at now: Int64) async throws -> ResearchPopulation {
        var refusing: Set<String> = []
        try await forEach(.consent, in: store) { entry in
            guard let patient = entry.compartment, members.contains(patient), ResearchConsent.refuses(try JSON.parse(entry.json), at: now) else {
                return
            }
            refusing.insert(patient)
        }
        let coarse = Deidentifier(pseudonym: { $0 }, at: now)
        var population = ResearchPopulation(refused: refusing.count)
        try await forEach(.patient, in: store) { entry in
            guard let patient = entry.compartment, members.contains(patient), !refusing.contains(patient),
                let out = coarse.deidentify(try JSON.parse(entry.json))
            else { return }
            population.patients[patient] = QuasiIdentifiers(deidentified: out)
        }
        return population
    }

    /// Every current resource of `type`, a page at a time.
    private static func forEach(_ type: FHIRResourceType, in store: any VigilStore, _ body: (ExportPage.Entry) throws -> Void) async throws {
        var cursor: ExportCursor? = .start
        while let at = cursor {
            let page = try await store.exportPage(type, after: at, since: nil, limit: BulkExporter.pageSize)
            for entry in page.resources { try body(entry) }
            cursor = page.next
        }
    }
}
