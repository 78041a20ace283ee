import Crypto
import VigilClinical
import VigilCore

/// What of a research project's population leaves in a researcher's export, and in what form.
///
/// Prepared in two passes over the store before anything is written: the Consents, to leave out
/// everyone who refused research (``ResearchConsent``); then the Patients, to leave out everyone
/// whose quasi-identifiers (birth year, sex, ZIP3 as Safe Harbor leaves them) fewer than k people
/// of the export share, with all their records (DEID-5). Each resource then leaves through the
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
        let pseudonyms = keys.pseudonyms(project: project.id)
        let safeHarbor = SafeHarbor()
        var export = ResearchExport(
            project: project,
            deidentifier: Deidentifier(
                profile: safeHarbor, limitedDataSet: project.profile != .safeHarbor, pseudonym: pseudonyms.callAsFunction, at: now),
            k: safeHarbor.k)
        var refusing: Set<String> = []
        try await forEach(.consent, in: store) { entry in
            guard let patient = entry.compartment, members.contains(patient), ResearchConsent.refuses(try JSON.parse(entry.json), at: now) else {
                return
            }
            refusing.insert(patient)
        }
        // The classes are those of Safe Harbor's form, whatever the profile.
        let coarse = Deidentifier(profile: safeHarbor, pseudonym: { $0 }, at: now)
        var classes: [String: QuasiIdentifiers] = [:]
        try await forEach(.patient, in: store) { entry in
            guard let patient = entry.compartment, members.contains(patient), !refusing.contains(patient),
                let out = coarse.deidentify(try JSON.parse(entry.json))
            else { return }
            classes[patient] = QuasiIdentifiers(deidentified: out)
        }
        export.refused = refusing.count
        export.suppressed = safeHarbor.suppressed(classes)
        export.included = Set(classes.keys).subtracting(export.suppressed)
        return export
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
