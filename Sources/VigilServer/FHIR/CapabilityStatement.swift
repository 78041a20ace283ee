import VigilCore

/// The server's CapabilityStatement: exactly what it supports, generated from the same tables
/// that drive validation and search.
enum CapabilityStatement {
    /// The statement of a server reached at `origin` (`https://host`), `cors` when browser apps
    /// of some origin may call it.
    static func make(origin: String, cors: Bool, date: Int64) -> JSON {
        let baseURL = origin + "/fhir"
        let common: [JSON] = [
            ["name": "_id", "type": "token", "documentation": "Logical id"],
            ["name": "_lastUpdated", "type": "date", "documentation": "When the resource was last changed"],
        ]
        let resources: [JSON] = FHIRResourceType.allCases.sorted().map { type in
            var interactions: [JSON] = [
                ["code": "read"], ["code": "vread"], ["code": "search-type"], ["code": "create"], ["code": "history-instance"],
                ["code": "history-type"],
            ]
            var updateDoc = "update replaces the resource; an administrator may create one with a chosen id"
            if type == .observation {
                updateDoc += "; device readings (numeric ids) are append-only and cannot be updated"
            }
            interactions.append(["code": "update", "documentation": .string(updateDoc)])
            interactions.append(["code": "patch", "documentation": "JSON Patch (application/json-patch+json) or JSON Merge Patch (a JSON object)"])
            interactions.append([
                "code": "delete",
                "documentation":
                    "logical: a new version marked deleted, reads then answer 410; refused (409) while other resources or readings refer to it",
            ])
            let parameters = FHIRSearchParameter.parameters(of: type).values.sorted { $0.name < $1.name }.map { p -> JSON in
                ["name": .string(p.name), "type": .string(p.kind.rawValue)]
            }
            let references = FHIRSearchParameter.parameters(of: type).values.filter { $0.kind == .reference }.map(\.name).sorted()
            let revIncludes = FHIRResourceType.allCases.sorted().flatMap { source in
                FHIRSearchParameter.parameters(of: source).values.filter {
                    $0.kind == .reference && ($0.targetType ?? type.rawValue) == type.rawValue
                }
                .map { "\(source.rawValue):\($0.name)" }.sorted()
            }
            var entry: JSONObject = [
                "type": .string(type.rawValue),
                "searchInclude": .array(references.map { .string("\(type.rawValue):\($0)") }),
                "searchRevInclude": .array(revIncludes.map { .string($0) }),
                "interaction": .array(interactions),
                "versioning": "versioned",
                "readHistory": true,
                "updateCreate": true,
                "conditionalCreate": true,
                "conditionalUpdate": true,
                "conditionalDelete": "single",
                "searchParam": .array(common + parameters),
            ]
            if type == .patient {
                entry["operation"] = [
                    ["name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"],
                    ["name": "export", "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"],
                ]
            }
            if type == .group {
                entry["operation"] = [["name": "export", "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export"]]
            }
            if type == .observation {
                entry["documentation"] = "Device readings are served as Observations with numeric ids and identifier urn:vigil:producer-key."
            }
            return .object(entry)
        }
        return .object([
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": .string(FHIRDateTime.instant(milliseconds: date)),
            "publisher": "Vigil",
            "kind": "instance",
            "instantiates": ["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"],
            "software": ["name": "Vigil", "version": .string(VigilVersion.current)],
            "implementation": ["description": "Vigil IoMT platform", "url": .string(baseURL)],
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json", "json"],
            "rest": [
                [
                    "mode": "server",
                    "documentation":
                        "Search modifiers: :missing on every parameter, :not on tokens, :exact and :contains on strings, :Type on references; chained parameters and _has one level deep; _include and _revinclude; _summary and _elements. Sort by _id, _lastUpdated or a date parameter. _count is capped at the server's maximum; paging links carry a keyset cursor.",
                    "security": [
                        "cors": .bool(cors),
                        "extension": [
                            [
                                "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                                "extension": [["url": "token", "valueUri": .string(origin + "/auth/token")]],
                            ]
                        ],
                        "service": [
                            [
                                "coding": [
                                    ["system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "SMART-on-FHIR"],
                                    ["system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "OAuth"],
                                ]
                            ]
                        ],
                        "description":
                            "OAuth2 bearer tokens from POST /auth/token (discovery: /.well-known/smart-configuration): password and refresh_token grants for people, client_credentials with an RS384/ES384 client assertion for backend services (system/ scopes); device tokens from POST /api/devices/{id}/credentials.",
                    ],
                    "resource": .array(resources),
                    "interaction": [["code": "transaction"], ["code": "batch"], ["code": "history-system"]],
                    "operation": [["name": "export", "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"]],
                    "searchParam": .array(common),
                ]
            ],
        ])
    }
}
