import Hummingbird
import VigilCore

/// Accounts (administrators): `GET /api/users`, `POST /api/users`, `PATCH /api/users/{username}`.
/// A backend service is an account created with `jwks` and `scope` instead of a password.
struct UserRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/api/users") { _, context in
                _ = try context.requireAdmin()
                let users = try await runtime.store.users()
                return FHIRJSON.response(["users": .array(users.map(\.json))], mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.post, "/api/users") { request, context in
                let admin = try context.requireAdmin()
                let body = try await FHIRJSON.body(of: request, maxBytes: 16 << 10)
                let accounts = AccountService(runtime: runtime)
                let user = try await accounts.create(
                    username: body["username"]?.stringValue, password: body["password"]?.stringValue,
                    role: body["role"]?.stringValue, fhirUser: body["fhirUser"]?.stringValue,
                    backend: body["jwks"].map { ($0, body["scope"]?.stringValue) }, by: .user(admin), client: context.clientAddress
                )
                var response = FHIRJSON.response(user.json, status: .created, mediaType: FHIRJSON.jsonMediaType)
                response.headers[.location] = "/api/users/\(user.username)"
                return response
            },
            VigilRoute(.patch, "/api/users/:username") { request, context in
                let admin = try context.requireAdmin()
                let username = try context.parameters.require("username")
                let body = try await FHIRJSON.body(of: request, maxBytes: 16 << 10)
                let user = try await AccountService(runtime: runtime).change(
                    username: username, role: body["role"]?.stringValue, password: body["password"]?.stringValue,
                    disabled: body["disabled"]?.boolValue, fhirUser: body["fhirUser"]?.stringValue,
                    backend: (body["jwks"], body["scope"]?.stringValue), by: .user(admin), client: context.clientAddress
                )
                return FHIRJSON.response(user.json, mediaType: FHIRJSON.jsonMediaType)
            },
        ]
    }
}

extension UserAccount {
    /// The account as the API shows it (never the password hash).
    var json: JSON {
        var object: JSONObject = [
            "username": .string(username), "role": .string(role.rawValue), "disabled": .bool(disabled),
            "created": .string(FHIRDateTime.instant(milliseconds: created)),
        ]
        if let fhirUser { object["fhirUser"] = .string(fhirUser.description) }
        if let client {
            object["scope"] = .string(client.scope)
            object["keys"] = .array(client.jwks["keys"]?.arrayValue?.compactMap { $0["kid"] } ?? [])
        }
        return .object(object)
    }
}
