import Crypto
import VigilClinical
import VigilCore

/// What of a research project's population leaves in a researcher's export, and in what form.
///
/// Prepared before anything is written: the project's ``ResearchPopulation`` (without those who
/// refused research), less everyone whose quasi-identifiers (birth year, sex, ZIP3 as Safe Harbor
/// leaves them) fewer than k people of the export share, with all their records (DEID-5). Each resource then leaves through the
/// project's ``Deidentifier`` or not at all.
struct ResearchExport: Sendable {
    let project: ResearchProject
    let deidentifier: Deidentifier
    let k: Int
    /// The patients (`Patient/ID`) whose records leave.
    private(set) var included: Set<String> = []
    /// Patients of the population who refused research.
    private(set) var refused = 0
    /// Patients left out for their small quasi-identifier class.
    private(set) var suppressed: Set<String> = []
    /// Resources left out with the patients of ``suppressed``.
    private(set) var suppressedResources = 0

    /// Reads who of `members` (`Patient/ID`) leaves.
    static func prepare(
        _ project: ResearchProject, members: Set<String>, keys: ResearchKeys, store: any VigilStore, at now: Int64
    ) async throws -> ResearchExport {
        let safeHarbor = SafeHarbor()
        let population = try await ResearchPopulation.read(members: members, store: store, at: now)
        var export = ResearchExport(
            project: project,
            deidentifier: Deidentifier(
                profile: safeHarbor, limitedDataSet: project.profile != .safeHarbor, pseudonym: keys.pseudonyms(project: project.id).callAsFunction,
                at: now),
            k: safeHarbor.k)
        export.refused = population.refused
        export.suppressed = safeHarbor.suppressed(population.patients)
        export.included = Set(population.patients.keys).subtracting(export.suppressed)
        return export
    }

    /// The line a stored resource leaves as (de-identified JSON), or nil when it does not leave.
    mutating func line(_ entry: ExportPage.Entry) throws -> [UInt8]? {
        guard let patient = entry.compartment, included.contains(patient) else {
            if let patient = entry.compartment, suppressed.contains(patient) { suppressedResources += 1 }
            return nil
        }
        return deidentifier.deidentify(try JSON.parse(entry.json))?.serialized()
    }

    /// What the export's signature covers: the project, the profile and its settings, who was
    /// left out, and each file with its count and SHA-256. A researcher checks the signature, then
    /// each file's hash.
    func statement(job: BulkExportJob) -> String {
        var lines = [
            "vigil research export", "project: \(project.id)", "export: \(job.id)",
            "transactionTime: \(FHIRDateTime.instant(milliseconds: job.transactionTime))",
            "profile: \(project.profile.name) \(SafeHarbor.version)", "k: \(k)",
            "restrictedZIP3: \(deidentifier.profile.restrictedZIP3.sorted().joined(separator: ","))",
            "patients refusing research: \(refused)", "patients suppressed: \(suppressed.count)", "resources suppressed: \(suppressedResources)",
        ]
        lines += job.outputs.map { "file: \($0.file) \($0.count) sha256:\($0.sha256 ?? "")" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The manifest's `extension`: the de-identification settings and counts, and the signed statement.
    func manifestExtension(job: BulkExportJob, keys: ResearchKeys) throws -> JSON {
        let statement = statement(job: job)
        var deidentification: JSONObject = [
            "profile": .string(project.profile.name), "version": .string(SafeHarbor.version), "k": .integer(k),
            "restrictedZIP3": .array(deidentifier.profile.restrictedZIP3.sorted().map(JSON.string)),
            "patients": .integer(included.count), "patientsRefusingResearch": .integer(refused),
            "patientsSuppressed": .integer(suppressed.count), "resourcesSuppressed": .integer(suppressedResources),
        ]
        if case .limitedDataSet(let agreement) = project.profile { deidentification["dataUseAgreement"] = .string(agreement) }
        return [
            "project": .string(project.id), "deidentification": .object(deidentification), "statement": .string(statement),
            "signature": ["algorithm": "Ed25519", "publicKey": .string(keys.publicKey), "value": .string(try keys.sign(statement))],
        ]
    }

    /// The SHA-256 of a statement, hex: what the audit chain records of a signed export.
    static func digest(_ statement: String) -> String {
        Hex.encode(SHA256.hash(data: Array(statement.utf8)))
    }
}
