import Hummingbird
import VigilCore

/// Device credentials (administrators): `POST /api/devices/{id}/credentials` issues a token,
/// shown once; `DELETE` revokes the device's credentials (all, or one by id).
struct DeviceCredentialRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.post, "/api/devices/:id/credentials") { _, context in
                let admin = try context.requireAdmin()
                let device = try context.parameters.require("id")
                guard FHIRID.isValid(device), try await runtime.store.resource(.device, id: device) != nil else {
                    throw VigilError(.notFound, "Device/\(device) does not exist")
                }
                let token = DeviceToken.generate()
                let event = runtime.auditEvent(.user(admin), client: context.clientAddress, action: .create, resource: "Device/\(device)/credentials")
                // The broker hash is kept now: the token itself is never stored.
                let grant = Change.Content.addCredential(
                    device: device, tokenHash: DeviceToken.hash(token), brokerHash: MosquittoPasswordHash.make(password: token),
                    at: runtime.clock.now())
                guard case .credential(let id) = try await runtime.writer.submit(Change(grant, audit: [event])) else {
                    throw VigilError(.internal, "the credential was not stored")
                }
                var response = FHIRJSON.response(
                    ["id": .integer(id), "device": .string(device), "token": .string(token)], status: .created, mediaType: FHIRJSON.jsonMediaType
                )
                response.headers[.cacheControl] = "no-store"
                return response
            },
            VigilRoute(.delete, "/api/devices/:id/credentials") { _, context in
                try await revoke(context, credential: nil)
            },
            VigilRoute(.delete, "/api/devices/:id/credentials/:credential") { _, context in
                guard let credential = context.parameters.get("credential", as: Int64.self) else {
                    throw VigilError(.notFound, "no such credential")
                }
                return try await revoke(context, credential: credential)
            },
        ]
    }

    private func revoke(_ context: VigilRequestContext, credential: Int64?) async throws -> Response {
        let admin = try context.requireAdmin()
        let device = try context.parameters.require("id")
        guard FHIRID.isValid(device), try await runtime.store.resource(.device, id: device) != nil else {
            throw VigilError(.notFound, "Device/\(device) does not exist")
        }
        let event = runtime.auditEvent(
            .user(admin), client: context.clientAddress, action: .delete, resource: "Device/\(device)/credentials",
            detail: credential.map { "credential \($0)" } ?? "all credentials")
        let revocation = Change(.revokeCredentials(device: device, id: credential, at: runtime.clock.now()), audit: [event])
        guard case .revoked(let revoked) = try await runtime.writer.submit(revocation) else {
            throw VigilError(.internal, "the credentials were not revoked")
        }
        return FHIRJSON.response(["revoked": .integer(revoked)], mediaType: FHIRJSON.jsonMediaType)
    }
}
