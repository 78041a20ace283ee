import HTTPTypes
import Hummingbird
import VigilClinical
import VigilCore

/// FHIR Bulk Data Access (v2) `$export`: kick-off at the system, Patient and Group levels, a
/// status URL to poll (202 with progress, then the manifest), NDJSON files fetched with the same
/// token, and `DELETE` to cancel.
///
/// Administrators and their backend services export identified data. A researcher's export names
/// its research project (`project=ID`, a ResearchStudy the researcher is assigned to, active and
/// not expired) and is always de-identified by the project's profile (``ResearchExport``); an
/// administrator may ask for one too. Every other role gets 403.
struct BulkExportRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/fhir/$export") { request, context in
                try await kickOff(.system, request, context)
            },
            // `/fhir/Patient/$export` is the Patient read route's (``FHIRRoutes``): the router does not
            // backtrack from a literal `Patient`.
            VigilRoute(.get, "/fhir/:type/:id/$export") { request, context in
                guard try context.parameters.require("type") == "Group" else {
                    throw VigilError(.notFound, "$export is at /fhir, /fhir/Patient and /fhir/Group/{id}")
                }
                return try await kickOff(.group(try context.parameters.require("id")), request, context)
            },
            VigilRoute(.get, "/fhir/$export-status/:job") { request, context in
                let job = try job(context)
                switch job.status {
                case .queued, .running:
                    var response = Response(status: .accepted)
                    response.headers[.retryAfter] = "2"
                    response.headers[Self.progress] = "\(job.status == .queued ? "queued" : "running"): \(job.read) resources read"
                    return response
                case .completed:
                    var response = FHIRJSON.response(
                        job.manifest(base: runtime.publicOrigin(request, context) + "/fhir"), mediaType: FHIRJSON.jsonMediaType)
                    response.headers[.expires] = job.expires.map(HTTPDate.format(milliseconds:))
                    return response
                case .failed(let reason):
                    return FHIRJSON.response(VigilError(.internal, reason).operationOutcome, status: .internalServerError)
                }
            },
            VigilRoute(.delete, "/fhir/$export-status/:job") { _, context in
                let owner = try owner(context)
                guard runtime.exports.cancel(try context.parameters.require("job"), owner: owner) else { throw Self.unknownJob }
                try await runtime.audit([runtime.auditEvent(context.principal, client: context.clientAddress, action: .delete, resource: "$export")])
                return FHIRJSON.response(OperationOutcome.information("the export is cancelled and its files removed"), status: .accepted)
            },
            VigilRoute(.get, "/fhir/$export-file/:job/:file") { _, context in
                let owner = try owner(context)
                let (id, name) = (try context.parameters.require("job"), try context.parameters.require("file"))
                guard let path = runtime.exports.file(id, name, owner: owner) else { throw VigilError(.notFound, "no such export file") }
                try await runtime.audit([
                    runtime.auditEvent(context.principal, client: context.clientAddress, action: .read, resource: "$export", detail: name)
                ])
                let body = try await FileIO().loadFile(path: path, context: context)
                return Response(status: .ok, headers: [.contentType: "application/fhir+ndjson"], body: body)
            },
        ]
    }

    static let progress = HTTPField.Name("X-Progress")!
    static let unknownJob = VigilError(.notFound, "no such export: it ended and expired, was cancelled, or is someone else's")

    /// Starts an export at `level`: 202 with the status URL in `Content-Location`.
    func kickOff(_ level: BulkExportRequest.Level, _ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (owner, scopes) = try exporter(context)
        guard request.headers[.prefer]?.contains("respond-async") == true else {
            throw VigilError(.invalid, "$export runs asynchronously: send Prefer: respond-async")
        }
        var parameters = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        let project = try await project(parameters.first { $0.name == "project" }?.value, context)
        parameters.removeAll { $0.name == "project" }
        var export = try BulkExportRequest(level: level, parameters: parameters)
        if let project { try export.scope(to: project, typesAsked: parameters.contains { $0.name == "_type" }) }
        if let scopes, let type = export.types.first(where: { !scopes.allows(.search, on: $0) }) {
            throw VigilError(.forbidden, "the token's scopes do not cover \(type.rawValue); ask for fewer types with _type")
        }
        if case .group(let id) = level, try await runtime.store.resource(.group, id: id).map({ !$0.isDeleted }) != true {
            throw VigilError(.notFound, "Group/\(id) does not exist")
        }
        // Audited before it starts: no export runs unaudited.
        let kickOff = runtime.auditEvent(
            context.principal, client: context.clientAddress, action: .execute, resource: "$export",
            detail: (project.map { "project \($0.id): " } ?? "") + request.uri.description)
        try await runtime.audit([kickOff])
        let origin = runtime.publicOrigin(request, context)
        let id = try runtime.exports.start(export, project: project, owner: owner, requestURL: origin + request.uri.description, kickOff: kickOff)
        var response = FHIRJSON.response(OperationOutcome.information("the export has started; poll its status"), status: .accepted)
        response.headers[.contentLocation] = "\(origin)/fhir/$export-status/\(id)"
        return response
    }

    /// The job of the request's `:job`, its owner's; 404 otherwise.
    private func job(_ context: VigilRequestContext) throws -> BulkExportJob {
        guard let job = runtime.exports.job(try context.parameters.require("job"), owner: try owner(context)) else { throw Self.unknownJob }
        return job
    }

    /// The account asking, when it may export: an administrator, an administrator's backend
    /// service (with the scopes it was granted), or a researcher.
    private func exporter(_ context: VigilRequestContext) throws -> (username: String, scopes: SMARTScopes?) {
        switch context.principal {
        case .user(let user) where user.role == .admin || user.role == .researcher: return (user.username, nil)
        case .client(let account, let scopes) where account.role == .admin: return (account.username, scopes)
        default: throw VigilError(.forbidden, "only administrators, their backend services and researchers export")
        }
    }

    /// The research project `id` names, when the asker may export it; nil when none is named,
    /// which only administrators may do.
    private func project(_ id: String?, _ context: VigilRequestContext) async throws -> ResearchProject? {
        guard let id else {
            if context.principal?.user?.role == .researcher {
                throw VigilError(.invalid, "a researcher's export names its research project: project=ID", expression: "project")
            }
            return nil
        }
        return try await runtime.researchProject(id, for: context.principal)
    }

    private func owner(_ context: VigilRequestContext) throws -> String { try exporter(context).username }
}
