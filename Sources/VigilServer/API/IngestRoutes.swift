import Hummingbird
import VigilCore

/// `POST /api/ingest`: a device's batch of readings (docs/ingest.md).
struct IngestRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.post, "/api/ingest") { request, context in
                let device = try context.requireDevice()
                let limits = runtime.configuration.ingestLimits
                let body = try await FHIRJSON.body(of: request, maxBytes: limits.maxBodyBytes, maxDepth: limits.maxDepth)
                let result = try await IngestHandler(runtime: runtime).ingest(body, device: device, client: context.clientAddress, source: "http")
                return FHIRJSON.response(result.json, mediaType: FHIRJSON.jsonMediaType)
            }
        ]
    }
}

/// `GET /api/quarantine`: refused readings with their reasons (administrators).
struct QuarantineRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/api/quarantine") { request, context in
                let admin = try context.requireAdmin()
                let parameters = request.uri.queryParameters
                let limit = min(parameters.get("_count", as: Int.self) ?? 100, 1000)
                let offset = max(parameters.get("_offset", as: Int.self) ?? 0, 0)
                let device = parameters.get("device")
                let entries = try await runtime.store.quarantine(device: device, limit: limit, offset: offset)
                try await runtime.audit([
                    runtime.auditEvent(
                        .user(admin), client: context.clientAddress, action: .read, resource: "quarantine", detail: "\(entries.count) entries")
                ])
                let items: [JSON] = entries.map { entry in
                    var object: JSONObject = [
                        "id": .integer(entry.id), "device": .string(entry.device), "index": .integer(entry.index),
                        "reason": .string(entry.reason), "source": .string(entry.source),
                        "received": .string(FHIRDateTime.instant(milliseconds: entry.received)),
                    ]
                    if let boot = entry.boot { object["boot"] = .string(boot) }
                    if let seq = entry.seq { object["seq"] = .integer(seq) }
                    object["payload"] = (try? JSON.parse(entry.payload)) ?? .string(entry.payload)
                    return .object(object)
                }
                return FHIRJSON.response(["quarantine": .array(items)], mediaType: FHIRJSON.jsonMediaType)
            }
        ]
    }
}
