import HTTPTypes
import Hummingbird
import VigilCore

/// The FHIR R4 API under `/fhir`.
struct FHIRRoutes {
    let runtime: VigilRuntime

    /// `GET /fhir/metadata` is public; everything else needs authentication.
    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/fhir/metadata", .public) { request, context in
                FHIRJSON.response(
                    CapabilityStatement.make(
                        origin: runtime.publicOrigin(request, context), cors: !runtime.configuration.corsOrigins.isEmpty, date: runtime.clock.now()))
            },
            VigilRoute(.post, "/fhir") { request, context in
                let access = try await access(context)
                let body = try await FHIRJSON.body(of: request, maxBytes: runtime.configuration.ingestLimits.maxBodyBytes)
                let response = try await FHIRTransaction(
                    runtime: runtime, access: access, client: context.clientAddress, baseURL: baseURL(request, context)
                )
                .run(body)
                return FHIRJSON.response(response)
            },
            VigilRoute(.get, "/fhir/:type") { request, context in
                try await search(Self.parameters(request), request, context)
            },
            // A search whose parameters are too long, or too private, for a URL.
            VigilRoute(.post, "/fhir/:type/_search") { request, context in
                guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
                    throw VigilError(.unsupportedMediaType, "POST _search takes its parameters form-encoded (application/x-www-form-urlencoded)")
                }
                var request = request
                let form = try await URLEncodedForm(request: &request)
                return try await search(
                    Self.parameters(request) + form.pairs, request, context)
            },
            VigilRoute(.post, "/fhir/:type") { request, context in
                let type = try resourceType(context)
                let body = try await FHIRJSON.body(of: request, maxBytes: runtime.configuration.ingestLimits.maxBodyBytes)
                if case .device(let device) = context.principal {
                    guard type == .observation else { throw VigilError(.forbidden, "a device may only create Observations") }
                    let (stored, created) = try await DeviceObservation(runtime: runtime, device: device, client: context.clientAddress).ingest(body)
                    return resourceResponse(stored, status: created ? .created : .ok, request: request, context: context)
                }
                let ifNoneExist = try Self.conditionalCreateCriteria(request)
                let (stored, created) = try await service(context).create(type, body: body, ifNoneExist: ifNoneExist)
                return resourceResponse(stored, status: created ? .created : .ok, request: request, context: context)
            },
            VigilRoute(.put, "/fhir/:type") { request, context in
                let type = try resourceType(context)
                let body = try await FHIRJSON.body(of: request, maxBytes: runtime.configuration.ingestLimits.maxBodyBytes)
                let (stored, created) = try await service(context).update(
                    type, criteria: try Self.criteria(request, of: "a conditional update"), body: body, ifMatch: try ifMatch(request))
                return resourceResponse(stored, status: created ? .created : .ok, request: request, context: context)
            },
            VigilRoute(.delete, "/fhir/:type") { request, context in
                try await service(context).delete(try resourceType(context), criteria: try Self.criteria(request, of: "a conditional delete"))
                return Response(status: .noContent)
            },
            VigilRoute(.get, "/fhir/:type/:id") { request, context in
                let type = try resourceType(context)
                let id = try context.parameters.require("id")
                if type == .patient, id == "$export" { return try await BulkExportRoutes(runtime: runtime).kickOff(.patient, request, context) }
                let stored = try await service(context).read(type, id: id)
                return resourceResponse(stored, status: .ok, request: request, context: context, location: false)
            },
            VigilRoute(.put, "/fhir/:type/:id") { request, context in
                let type = try resourceType(context)
                let id = try context.parameters.require("id")
                let body = try await FHIRJSON.body(of: request, maxBytes: runtime.configuration.ingestLimits.maxBodyBytes)
                let (stored, created) = try await service(context).update(type, id: id, body: body, ifMatch: try ifMatch(request))
                return resourceResponse(stored, status: created ? .created : .ok, request: request, context: context)
            },
            VigilRoute(.patch, "/fhir/:type/:id") { request, context in
                let type = try resourceType(context)
                let body = try await FHIRJSON.body(
                    of: request, maxBytes: runtime.configuration.ingestLimits.maxBodyBytes,
                    mediaTypes: ["application/json-patch+json", "application/merge-patch+json", "application/fhir+json", "application/json"])
                let stored = try await service(context).patch(
                    type, id: try context.parameters.require("id"), body: body, ifMatch: try ifMatch(request))
                return resourceResponse(stored, status: .ok, request: request, context: context)
            },
            VigilRoute(.delete, "/fhir/:type/:id") { _, context in
                try await service(context).delete(try resourceType(context), id: try context.parameters.require("id"))
                return Response(status: .noContent)
            },
            VigilRoute(.get, "/fhir/_history") { request, context in
                try await history(nil, id: nil, request, context)
            },
            VigilRoute(.get, "/fhir/:type/_history") { request, context in
                try await history(try resourceType(context), id: nil, request, context)
            },
            // One pattern for every type (the router does not backtrack from a literal `Patient`).
            VigilRoute(.get, "/fhir/:type/:id/$everything") { request, context in
                guard try resourceType(context) == .patient else { throw VigilError(.notFound, "$everything is Patient's operation") }
                let resources = try await service(context).everything(patient: try context.parameters.require("id"))
                let base = baseURL(request, context)
                let entries = resources.map { SearchBundle.entry($0, mode: "match", baseURL: base) }
                return FHIRJSON.response(["resourceType": "Bundle", "type": "searchset", "total": .integer(entries.count), "entry": .array(entries)])
            },
            VigilRoute(.get, "/fhir/:type/:id/_history") { request, context in
                try await history(try resourceType(context), id: try context.parameters.require("id"), request, context)
            },
            VigilRoute(.get, "/fhir/:type/:id/_history/:version") { request, context in
                let type = try resourceType(context)
                let id = try context.parameters.require("id")
                guard let version = context.parameters.get("version", as: Int.self) else { throw VigilError(.notFound, "no such version") }
                let stored = try await service(context).vread(type, id: id, version: version)
                return resourceResponse(stored, status: .ok, request: request, context: context, location: false)
            },
        ]
    }

    private func resourceType(_ context: VigilRequestContext) throws -> FHIRResourceType {
        let name = try context.parameters.require("type")
        guard let type = FHIRResourceType(rawValue: name) else {
            throw VigilError(.notFound, "resource type \(name) is not supported; see /fhir/metadata", issueType: "not-supported")
        }
        return type
    }

    /// The version an `If-Match` header names (`W/"3"`), or nil without one.
    private func ifMatch(_ request: Request) throws -> Int? {
        try request.headers[.ifMatch].map { text throws in
            guard let version = ETag.version(text) else { throw VigilError(.invalid, "If-Match takes an ETag such as W/\"1\"") }
            return version
        }
    }

    /// The search criteria in a request's URL (`identifier=urn:npi|42`), which a conditional
    /// update or delete must have: without them it would apply to every resource of the type.
    static func criteria(_ request: Request, of what: String) throws -> String {
        guard let criteria = urlCriteria(request) else { throw VigilError(.invalid, "\(what) needs search criteria in the URL (Type?identifier=…)") }
        return criteria
    }

    /// The URL's search parameters as conditional criteria (`_format` and `_pretty` are not
    /// criteria), or nil when there are none.
    private static func urlCriteria(_ request: Request) -> String? {
        let criteria = parameters(request).filter { !["_format", "_pretty"].contains($0.name) }
        return criteria.isEmpty ? nil : URLQuery.encode(criteria)
    }

    /// The URL's query parameters, in order.
    private static func parameters(_ request: Request) -> [(name: String, value: String)] {
        request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
    }

    /// The criteria of a conditional create: the `If-None-Exist` header, or search parameters in
    /// the POST's URL (as fhirpy sends them; `_format` and `_pretty` are not criteria); 400 when
    /// both are given.
    static func conditionalCreateCriteria(_ request: Request) throws -> String? {
        let header = request.headers[HTTPField.Name("If-None-Exist")!]
        let query = urlCriteria(request)
        if header != nil, query != nil {
            throw VigilError(.invalid, "give a conditional create's criteria once: in If-None-Exist or in the URL, not both")
        }
        return header ?? query
    }

    private func search(_ parameters: [(name: String, value: String)], _ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let lenient = request.headers[HTTPField.Name.prefer]?.contains("handling=lenient") ?? false
        let (query, page) = try await service(context).search(try resourceType(context), parameters: parameters, lenient: lenient)
        return FHIRJSON.response(SearchBundle.make(page, query: query, parameters: parameters, baseURL: baseURL(request, context)))
    }

    private func history(_ type: FHIRResourceType?, id: String?, _ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let parameters = Self.parameters(request)
        let versions = try await service(context).history(type, id: id, parameters: parameters)
        return FHIRJSON.response(HistoryBundle.make(versions, baseURL: baseURL(request, context)))
    }

    /// The FHIR interactions as the request's principal may carry them out.
    private func service(_ context: VigilRequestContext) async throws -> FHIRService {
        FHIRService(runtime: runtime, access: try await access(context), client: context.clientAddress)
    }

    private func access(_ context: VigilRequestContext) async throws -> AccessControl {
        guard let principal = context.principal else { throw VigilError(.unauthenticated, "sign in first") }
        if case .device = principal { throw VigilError(.forbidden, "a device may only create Observations") }
        return try await AccessControl.resolve(principal, runtime: runtime)
    }

    /// The base of absolute URLs: `http(s)://HOST/fhir` as the client addressed the server.
    private func baseURL(_ request: Request, _ context: VigilRequestContext) -> String {
        runtime.publicOrigin(request, context) + "/fhir"
    }

    private func resourceResponse(
        _ resource: StoredResource, status: HTTPResponse.Status, request: Request, context: VigilRequestContext, location: Bool = true
    ) -> Response {
        var response: Response
        if request.headers[HTTPField.Name.prefer]?.contains("return=minimal") == true {
            response = Response(status: status)
        } else {
            response = FHIRJSON.response(resource.json, status: status)
        }
        response.headers[.eTag] = resource.etag
        response.headers[.lastModified] = HTTPDate.format(milliseconds: resource.lastUpdated)
        if location {
            response.headers[.location] = "\(baseURL(request, context))/\(resource.type.rawValue)/\(resource.id)/_history/\(resource.version)"
        }
        return response
    }
}
