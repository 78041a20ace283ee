import VigilClinical
import VigilCore

/// One `$export` from kick-off to expiry: who asked, what, and how far it has got.
struct BulkExportJob: Sendable {
    enum Status: Sendable, Equatable {
        case queued, running, completed
        case failed(String)
    }

    /// A file of the manifest: one type's resources.
    struct Output: Sendable, Equatable {
        var type: FHIRResourceType
        var file: String
        var count: Int
        /// Its SHA-256, hex (research exports, whose manifest signs it).
        var sha256: String?
    }

    let id: String
    /// The account that asked: the only one that may poll, fetch and cancel.
    let owner: String
    let request: BulkExportRequest
    /// The research project a researcher's export is scoped to: then it is de-identified.
    let project: ResearchProject?
    /// The kick-off's audit event: its completion is recorded as the same actor's.
    let kickOff: AuditEvent
    /// The kick-off URL, as the manifest repeats it.
    let requestURL: String
    /// When it was asked (the manifest's `transactionTime`). The export reads the store as it runs,
    /// so a resource written after it may be in it too.
    let transactionTime: Int64
    var status = Status.queued
    /// Resources read from the store so far.
    var read = 0
    var outputs: [Output] = []
    /// When its files go (set when it ends).
    var expires: Int64?
    /// The manifest's `extension` (a research export's de-identification and signature).
    var manifestExtension: JSON?

    /// The Bulk Data manifest, files addressed under `base` (`https://host/fhir`).
    func manifest(base: String) -> JSON {
        var manifest: JSONObject = [
            "transactionTime": .string(FHIRDateTime.instant(milliseconds: transactionTime)), "request": .string(requestURL),
            "requiresAccessToken": true,
            "output": .array(
                outputs.map {
                    ["type": .string($0.type.rawValue), "url": .string("\(base)/$export-file/\(id)/\($0.file)"), "count": .integer($0.count)]
                }),
            "error": [],
        ]
        if let manifestExtension { manifest["extension"] = manifestExtension }
        return .object(manifest)
    }
}
