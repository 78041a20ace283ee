import Foundation
import Hummingbird
import VigilCore

/// Device commands (docs/commands.md). People: `POST /api/devices/{id}/commands` asks for one,
/// `GET /api/commands` and `GET /api/commands/{id}` show them with their histories,
/// `POST /api/commands/{id}/confirm` and `/cancel`. Devices, with their token:
/// `GET /api/device/commands` fetches what waits for them, `POST /api/device/commands/ack`
/// answers one. A command to a device on a patient the person may not see is answered as not found.
struct CommandRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.post, "/api/devices/:id/commands") { request, context in
                let access = try await runtime.alertViewer(context.principal)
                let body = try await FHIRJSON.body(of: request, maxBytes: 16 << 10, maxDepth: 8)
                guard let name = body["command"]?.stringValue, !name.isEmpty else {
                    throw VigilError(.invalid, "a command names what to do: \"command\" (a string)")
                }
                var parameters: [String: Double] = [:]
                if let given = body["parameters"], given.objectValue == nil {
                    throw VigilError(.invalid, "\"parameters\" is an object of numbers")
                }
                for member in body["parameters"]?.objectValue ?? [:] {
                    guard let value = member.value.doubleValue else { throw VigilError(.invalid, "parameter \(member.key) is not a number") }
                    parameters[member.key] = value
                }
                let deadline = try body["deadlineSeconds"].map { value throws(VigilError) -> Int in
                    guard let seconds = value.int64Value, let int = Int(exactly: seconds) else {
                        throw VigilError(.invalid, "deadlineSeconds is an integer")
                    }
                    return int
                }
                let command = try await runtime.commands.request(
                    name, parameters: parameters, deadlineSeconds: deadline, device: try context.parameters.require("id"), access: access,
                    client: context.clientAddress)
                var response = FHIRJSON.response(command.json, status: .created, mediaType: FHIRJSON.jsonMediaType)
                response.headers[.location] = "/api/commands/\(command.id)"
                return response
            },
            VigilRoute(.get, "/api/commands") { request, context in
                let access = try await runtime.alertViewer(context.principal)
                let parameters = request.uri.queryParameters
                var query = CommandQuery(patients: access.patients, limit: 100)
                if let device = parameters["device"] { query.device = String(device.split(separator: "/").last ?? device) }
                if let patient = parameters["patient"].flatMap({ FHIRReference(searchValue: String($0), defaultType: "Patient") }) {
                    query.patients = (query.patients ?? [patient.id]).intersection([patient.id])
                }
                if let states = parameters["state"] {
                    query.states = Set(
                        try states.split(separator: ",").map { text throws(VigilError) in
                            guard let state = CommandState(rawValue: String(text)) else {
                                throw VigilError(.invalid, "state \(text) is not a command state")
                            }
                            return state
                        })
                }
                let commands = try await runtime.store.commands(query)
                try await runtime.auditReads(
                    access.principal, client: context.clientAddress, patients: Set(commands.compactMap(\.patient)).sorted(),
                    resource: "commands", detail: "search", empty: "0 results")
                return FHIRJSON.response(["commands": .array(commands.map(\.json))], mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.get, "/api/commands/:id") { _, context in
                let access = try await runtime.alertViewer(context.principal)
                let command = try await visibleCommand(context, access)
                try await runtime.audit([
                    runtime.auditEvent(
                        access.principal, client: context.clientAddress, patient: command.patient, action: .read, resource: "Command/\(command.id)")
                ])
                return FHIRJSON.response(command.json, mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.post, "/api/commands/:id/confirm") { _, context in
                let access = try await runtime.alertViewer(context.principal)
                let command = try await runtime.commands.confirm(
                    try await visibleCommand(context, access), access: access, client: context.clientAddress)
                return FHIRJSON.response(command.json, mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.post, "/api/commands/:id/cancel") { request, context in
                let access = try await runtime.alertViewer(context.principal)
                let body = try await FHIRJSON.body(of: request, maxBytes: 16 << 10)
                guard let reason = body["reason"]?.stringValue, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw VigilError(.invalid, "a cancellation gives its \"reason\"")
                }
                let command = try await runtime.commands.cancel(
                    try await visibleCommand(context, access), reason: String(reason.prefix(500)), access: access, client: context.clientAddress)
                return FHIRJSON.response(command.json, mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.get, "/api/device/commands") { _, context in
                let device = try context.requireDevice()
                let commands = try await runtime.commands.fetch(device: device, client: context.clientAddress)
                return FHIRJSON.response(["commands": .array(commands.map(\.message))], mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.post, "/api/device/commands/ack") { request, context in
                let device = try context.requireDevice()
                let body = try await FHIRJSON.body(of: request, maxBytes: 16 << 10, maxDepth: 4)
                let id = body["id"]?.int64Value
                let answered = try await runtime.commands.answer(body, from: device, client: context.clientAddress)
                var state = answered
                if state == nil, let id { state = try await runtime.store.command(id: id) }
                return FHIRJSON.response(
                    [
                        "id": id.map { .integer($0) } ?? .null, "state": state.map { .string($0.state.rawValue) } ?? .null,
                        "recorded": .bool(answered != nil),
                    ],
                    mediaType: FHIRJSON.jsonMediaType)
            },
        ]
    }

    /// Command `id` of the path, or 404 (audited) when it does not exist or is not one `access` may see.
    private func visibleCommand(_ context: VigilRequestContext, _ access: AccessControl) async throws -> DeviceCommand {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), let command = try await runtime.store.command(id: id),
            command.patient.map({ access.canSee(patient: $0) }) ?? (access.scope == nil)
        else {
            try await runtime.audit([
                runtime.auditEvent(
                    access.principal, client: context.clientAddress, action: .read, resource: "Command/\(text)", outcome: .minorFailure,
                    detail: "not found")
            ])
            throw VigilError(.notFound, "command \(text) was not found")
        }
        return command
    }
}
