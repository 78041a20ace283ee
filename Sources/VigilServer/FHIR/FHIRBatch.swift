import HTTPTypes
import VigilCore

/// `POST /fhir` with a `batch` Bundle: each entry carried out on its own, as the same request
/// sent alone would be (`POST Type`, with `ifNoneExist`; `PUT Type/id`; `GET Type/id` or
/// `GET Type?query`; `DELETE Type/id`), each answered in the `batch-response` with its status,
/// and a failure's `OperationOutcome`. One entry failing does not stop the others.
///
/// A reference to the `fullUrl` (`urn:uuid:…`) of an earlier entry that succeeded is rewritten to
/// what that entry stored, so a batch can carry a transaction's bundle entry by entry.
struct FHIRBatch: Sendable {
    let service: FHIRService
    let baseURL: String

    func run(_ items: [JSON]) async throws -> JSON {
        var fullUrls: [String: String] = [:]
        var answers: [JSON] = []
        for (index, item) in items.enumerated() {
            do {
                let (resource, status) = try await carryOut(item, index: index, fullUrls: fullUrls)
                var response: JSONObject = ["status": .string(status)]
                var entry: JSONObject = [:]
                if let resource {
                    if let stored = resource.stored {
                        if let fullUrl = item["fullUrl"]?.stringValue { fullUrls[fullUrl] = "\(stored.type.rawValue)/\(stored.id)" }
                        entry["fullUrl"] = .string("\(baseURL)/\(stored.type.rawValue)/\(stored.id)")
                        response["location"] = .string("\(stored.type.rawValue)/\(stored.id)/_history/\(stored.version)")
                        response["etag"] = .string(stored.etag)
                        response["lastModified"] = .string(FHIRDateTime.instant(milliseconds: stored.lastUpdated))
                    }
                    entry["resource"] = resource.json
                }
                entry["response"] = .object(response)
                answers.append(.object(entry))
            } catch let error as VigilError {
                let status = error.code.httpStatus
                answers.append(["response": ["status": .string("\(status.code) \(status.reasonPhrase)"), "outcome": error.operationOutcome]])
            }
        }
        return ["resourceType": "Bundle", "type": "batch-response", "entry": .array(answers)]
    }

    private struct Answer {
        var json: JSON
        var stored: StoredResource?
    }

    private func carryOut(_ item: JSON, index: Int, fullUrls: [String: String]) async throws -> (Answer?, String) {
        guard let method = item["request"]?["method"]?.stringValue, let url = item["request"]?["url"]?.stringValue else {
            throw VigilError(.invalid, "entry \(index) needs request.method and request.url", expression: "Bundle.entry[\(index)].request")
        }
        let pieces = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let parts = (pieces.first ?? "").split(separator: "/").map(String.init)
        let query = pieces.count > 1 ? String(pieces[1]) : nil
        guard let name = parts.first, let type = FHIRResourceType(rawValue: name) else {
            throw VigilError(.notFound, "\(url) does not name a stored resource type; see /fhir/metadata", issueType: "not-supported")
        }
        func body() throws -> JSON {
            guard let resource = item["resource"], case .object = resource else {
                throw VigilError(.invalid, "entry \(index) needs a resource", expression: "Bundle.entry[\(index)].resource")
            }
            return resource.rewritingReferences(fullUrls)
        }
        switch (method, parts.count, query) {
        case ("POST", 1, nil):
            let ifNoneExist = item["request"]?["ifNoneExist"]?.stringValue
            let (stored, created) = try await service.create(type, body: try body(), ifNoneExist: ifNoneExist)
            return (Answer(json: stored.json, stored: stored), created ? "201 Created" : "200 OK")
        case ("PUT", 2, nil):
            let ifMatch = item["request"]?["ifMatch"]?.stringValue.flatMap(ETag.version)
            let (stored, created) = try await service.update(type, id: parts[1], body: try body(), ifMatch: ifMatch)
            return (Answer(json: stored.json, stored: stored), created ? "201 Created" : "200 OK")
        case ("GET", 2, nil):
            let stored = try await service.read(type, id: parts[1])
            return (Answer(json: stored.json, stored: stored), "200 OK")
        case ("GET", 1, let query):
            let parameters = URLQuery.decode(query ?? "")
            let (search, page) = try await service.search(type, parameters: parameters, lenient: false)
            return (Answer(json: SearchBundle.make(page, query: search, parameters: parameters, baseURL: baseURL)), "200 OK")
        case ("DELETE", 2, nil):
            try await service.delete(type, id: parts[1])
            return (nil, "204 No Content")
        default:
            throw VigilError(
                .invalid, "entry \(index): a batch takes POST Type, PUT Type/id, GET Type/id, GET Type?query and DELETE Type/id",
                expression: "Bundle.entry[\(index)].request")
        }
    }
}
