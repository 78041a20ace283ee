/// The OpenAPI 3.1 description of every route outside `/fhir` (the FHIR API is described by its
/// CapabilityStatement at `/fhir/metadata`). Served at `/openapi.json`; a test checks that it
/// lists exactly the routes the router has.
enum OpenAPIDocument {
    static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Vigil",
            "version": "0.1.0",
            "description": "Vigil's non-FHIR routes: sign-in, device ingest, alerts, the ranked board, the live event stream, accounts, device credentials, quarantine and operations. The FHIR R4 API lives under /fhir; its CapabilityStatement is at /fhir/metadata. Every route needs a bearer token unless it says otherwise. Errors are FHIR OperationOutcome documents."
          },
          "servers": [{"url": "/"}],
          "security": [{"bearer": []}],
          "paths": {
            "/auth/token": {
              "post": {
                "summary": "The token endpoint: JSON sign-in, or OAuth 2.0 form-encoded grants (password, refresh_token, client_credentials with a SMART Backend Services assertion)",
                "security": [],
                "requestBody": {"required": true, "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/SignIn"}},
                  "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/TokenRequest"}}
                }},
                "responses": {
                  "200": {"description": "Signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Token"}}}},
                  "400": {"description": "Malformed request (OperationOutcome), or an OAuth error for a form-encoded request", "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}, "application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}},
                  "401": {"description": "Wrong credentials (OperationOutcome), or invalid_client for a form-encoded request", "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}, "application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}},
                  "415": {"$ref": "#/components/responses/Invalid"},
                  "429": {"description": "Too many failed sign-ins; see Retry-After", "headers": {"Retry-After": {"schema": {"type": "integer"}}}, "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}}
                }
              }
            },
            "/.well-known/smart-configuration": {
              "get": {
                "summary": "SMART on FHIR discovery: the token endpoint and what it takes",
                "security": [],
                "responses": {
                  "200": {"description": "The SMART configuration", "content": {"application/json": {"schema": {"type": "object", "required": ["token_endpoint", "grant_types_supported"], "properties": {"token_endpoint": {"type": "string"}, "grant_types_supported": {"type": "array", "items": {"type": "string"}}}}}}}
                }
              }
            },
            "/api/ingest": {
              "post": {
                "summary": "A device's batch of readings (device token only); answered after the durable commit",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestRequest"}}}},
                "responses": {
                  "200": {"description": "Stored, duplicates acknowledged, rejected readings quarantined", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestResult"}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "413": {"$ref": "#/components/responses/TooLarge"},
                  "415": {"$ref": "#/components/responses/Invalid"},
                  "503": {"$ref": "#/components/responses/Unavailable"}
                }
              }
            },
            "/api/quarantine": {
              "get": {
                "summary": "Rejected readings with their reasons, newest first (administrators)",
                "parameters": [
                  {"name": "device", "in": "query", "schema": {"type": "string"}},
                  {"name": "_count", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
                  {"name": "_offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}
                ],
                "responses": {
                  "200": {"description": "Quarantined readings", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Quarantine"}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"}
                }
              }
            },
            "/api/alerts": {
              "get": {
                "summary": "Alerts of the patients the caller may see, newest first (care roles and administrators)",
                "parameters": [
                  {"name": "status", "in": "query", "description": "Comma-separated: active, acknowledged, resolved", "schema": {"type": "string"}},
                  {"name": "priority", "in": "query", "description": "Comma-separated: high, medium, low", "schema": {"type": "string"}},
                  {"name": "patient", "in": "query", "description": "ID or Patient/ID", "schema": {"type": "string"}},
                  {"name": "kind", "in": "query", "description": "news2, pews, qsofa, threshold, glucose-low, glucose-predicted-low, device-silent, …", "schema": {"type": "string"}},
                  {"name": "since", "in": "query", "description": "Raised at or after this FHIR dateTime", "schema": {"type": "string"}},
                  {"name": "_count", "in": "query", "description": "At most 1,000 (capped); default 100", "schema": {"type": "integer", "minimum": 0}}
                ],
                "responses": {
                  "200": {"description": "Alerts", "content": {"application/json": {"schema": {"type": "object", "required": ["alerts"], "properties": {"alerts": {"type": "array", "items": {"$ref": "#/components/schemas/Alert"}}}}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"}
                }
              }
            },
            "/api/alerts/{id}": {
              "get": {
                "summary": "One alert with its history: every transition, who was notified, comments",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {
                  "200": {"description": "The alert", "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Alert"}, {"type": "object", "required": ["history"], "properties": {"history": {"type": "array", "items": {"$ref": "#/components/schemas/AlertStep"}}}}]}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/alerts/{id}/ack": {
              "post": {
                "summary": "Acknowledge an open alert as the signed-in person; others are still re-notified unless the policy says otherwise",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {
                  "200": {"description": "Acknowledged", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Alert"}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "409": {"$ref": "#/components/responses/Conflict"}
                }
              }
            },
            "/api/alerts/{id}/resolve": {
              "post": {
                "summary": "Resolve an open alert with a reason",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 2000}}}}}},
                "responses": {
                  "200": {"description": "Resolved", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Alert"}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "409": {"$ref": "#/components/responses/Conflict"}
                }
              }
            },
            "/api/me/notifications": {
              "get": {
                "summary": "The signed-in person's notification preferences (docs/notifications.md#people)",
                "responses": {
                  "200": {"description": "Preferences", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NotificationPreferences"}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"}
                }
              },
              "put": {
                "summary": "Set the signed-in person's notification preferences: e-mail, text and pager addresses for chosen priorities, and quiet hours that hold back medium and low priority, never high",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NotificationPreferences"}}}},
                "responses": {
                  "200": {"description": "Stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NotificationPreferences"}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"}
                }
              }
            },
            "/api/webhooks": {
              "post": {
                "summary": "Add a webhook: an HTTPS endpoint told of every alert step of the chosen priorities, each delivery signed (docs/notifications.md). The answer holds the signing secret, shown once. Administrators",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string", "format": "uri"}, "priorities": {"type": "array", "items": {"type": "string", "enum": ["high", "medium", "low"]}}}}}}},
                "responses": {
                  "201": {"description": "Added, with its secret", "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Webhook"}, {"type": "object", "required": ["secret"], "properties": {"secret": {"type": "string"}}}]}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "422": {"$ref": "#/components/responses/Unprocessable"}
                }
              },
              "get": {
                "summary": "The webhooks, without their secrets. Administrators",
                "responses": {
                  "200": {"description": "Webhooks", "content": {"application/json": {"schema": {"type": "object", "required": ["webhooks"], "properties": {"webhooks": {"type": "array", "items": {"$ref": "#/components/schemas/Webhook"}}}}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"}
                }
              }
            },
            "/api/webhooks/{id}": {
              "delete": {
                "summary": "Remove a webhook; its pending deliveries are given up. Administrators",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {
                  "204": {"description": "Removed"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/on-duty": {
              "get": {
                "summary": "Who of a patient's care team would be told about an alert raised at a moment, and why (docs/routing.md): each person with their escalation level, on or off duty by their PractitionerRole hours, and for each priority those told at once. Administrators, and care roles for their patients",
                "parameters": [
                  {"name": "patient", "in": "query", "required": true, "description": "ID or Patient/ID", "schema": {"type": "string"}},
                  {"name": "at", "in": "query", "description": "An instant with a time and zone; now when absent", "schema": {"type": "string"}},
                  {"name": "kind", "in": "query", "description": "An alert kind whose response differs (glucose-low, device-silent, …); the clinical response when absent", "schema": {"type": "string"}}
                ],
                "responses": {
                  "200": {"description": "The roster", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OnDuty"}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/alerts/{id}/comments": {
              "post": {
                "summary": "Comment on an alert, open or resolved",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "maxLength": 2000}}}}}},
                "responses": {
                  "201": {"description": "Added", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AlertStep"}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/board": {
              "get": {
                "summary": "The patients the caller may see (up to 5,000), all ranked, most urgent first; one page of them with open alerts, early-warning score and trend, latest vitals and their age",
                "parameters": [
                  {"name": "_count", "in": "query", "description": "Lines in the page: default 50, at most 5,000 (capped)", "schema": {"type": "integer", "minimum": 0}},
                  {"name": "_offset", "in": "query", "description": "Lines to skip from the most urgent (default 0)", "schema": {"type": "integer", "minimum": 0}}
                ],
                "responses": {
                  "200": {"description": "The board", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Board"}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"}
                }
              }
            },
            "/api/cohorts/{name}": {
              "get": {
                "summary": "An outbreak cohort on a day: people at higher risk and not protected by the vaccines counted (docs/clinical.md, Outbreak cohorts). Care roles get the members among their patients, ranked (administrators: everyone), as JSON, CSV or a FHIR Group, audited per patient; public health gets counts by area (postal-code prefix) and age band with cells of 1 to 10 shown as <11; researchers 403",
                "parameters": [
                  {"name": "name", "in": "path", "required": true, "description": "influenza, covid-19, measles, unvaccinated-high-risk, or a site's own (vigil serve --cohorts)", "schema": {"type": "string"}},
                  {"name": "vaccine", "in": "query", "description": "SYSTEM|CODE[,…] (a bare code is CVX): the vaccines that protect; required by unvaccinated-high-risk", "schema": {"type": "string"}},
                  {"name": "date", "in": "query", "description": "The day (YYYY-MM-DD) ages and doses are read on; default today", "schema": {"type": "string", "format": "date"}},
                  {"name": "_format", "in": "query", "description": "json (default), csv (an outreach list) or fhir (an actual Group); care roles and administrators only", "schema": {"type": "string", "enum": ["json", "csv", "fhir"]}},
                  {"name": "_count", "in": "query", "description": "Members shown: default 1,000, at most 100,000 (capped)", "schema": {"type": "integer", "minimum": 0}},
                  {"name": "_offset", "in": "query", "description": "Members skipped from the highest risk", "schema": {"type": "integer", "minimum": 0}}
                ],
                "responses": {
                  "200": {"description": "Members ({definition, date, total, undetermined, members:[{patient, risk, lastDose}]}) or counts ({definition, date, total, counts:[{area, ageBand, count}]})", "content": {"application/json": {"schema": {"type": "object", "required": ["definition", "date", "total"]}}, "text/csv": {"schema": {"type": "string"}}, "application/fhir+json": {"schema": {"type": "object"}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/research/{project}/aggregates": {
              "get": {
                "summary": "Statistics of a coded value over a research project's population (docs/research.md): values (readings and stored Observations), patients, mean, sd and the 10th to 90th percentiles, by age band, sex, area (ZIP3) and month; cells of fewer than 5 patients suppressed; patients who refused research left out. Researchers assigned to the project and administrators; audited with the project",
                "parameters": [
                  {"name": "project", "in": "path", "required": true, "description": "The ResearchStudy id", "schema": {"type": "string"}},
                  {"name": "code", "in": "query", "required": true, "description": "CODE or SYSTEM|CODE (any system)", "schema": {"type": "string"}},
                  {"name": "by", "in": "query", "description": "Any of age, sex, area, month, comma-separated", "schema": {"type": "string"}},
                  {"name": "range", "in": "query", "description": "LOW,HIGH: the percentage of values within it (inRange; time in range for CGM)", "schema": {"type": "string"}},
                  {"name": "from", "in": "query", "description": "FHIR date or instant: values at or after it", "schema": {"type": "string"}},
                  {"name": "to", "in": "query", "description": "FHIR date or instant: values at or before it", "schema": {"type": "string"}}
                ],
                "responses": {
                  "200": {"description": "{project, code, by, k, cells:[{age?, sex?, area?, month?, patients, values, mean, sd, p10, p25, median, p75, p90, inRange?} or {…, suppressed: true}]}", "content": {"application/json": {"schema": {"type": "object", "required": ["project", "code", "by", "k", "cells"]}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/research/{project}/alerts": {
              "get": {
                "summary": "The alerts raised for a research project's population, by kind, in cells of age band, sex, area (ZIP3) and month (docs/research.md); cells of fewer than 5 patients suppressed; patients who refused research left out. Researchers assigned to the project and administrators; audited with the project",
                "parameters": [
                  {"name": "project", "in": "path", "required": true, "description": "The ResearchStudy id", "schema": {"type": "string"}},
                  {"name": "by", "in": "query", "description": "Any of age, sex, area, month, comma-separated", "schema": {"type": "string"}},
                  {"name": "from", "in": "query", "description": "FHIR date or instant: alerts raised at or after it", "schema": {"type": "string"}},
                  {"name": "to", "in": "query", "description": "FHIR date or instant: alerts raised at or before it", "schema": {"type": "string"}}
                ],
                "responses": {
                  "200": {"description": "{project, by, k, cells:[{age?, sex?, area?, month?, patients, alerts:{KIND: count}} or {…, suppressed: true}]}", "content": {"application/json": {"schema": {"type": "object", "required": ["project", "by", "k", "cells"]}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/exposures": {
              "post": {
                "summary": "Exposure and source tracing from consenting wearers' location pings (docs/clinical.md, Whereabouts and exposure tracing): the people near the index for long enough in the window, with when and where, the places the index was, and other cases (sharing a condition) who were there. Public health only; the reason is audited as the purpose of use, with the answer's size and each person named",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["index", "from", "to", "distanceMeters", "minutes", "reason"], "properties": {
                  "index": {"type": "string", "description": "Patient/ID"},
                  "from": {"type": "string", "description": "FHIR date or instant"},
                  "to": {"type": "string", "description": "FHIR date or instant; at most 42 days after from"},
                  "distanceMeters": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
                  "minutes": {"type": "integer", "minimum": 0, "maximum": 1440},
                  "reason": {"type": "string", "maxLength": 500},
                  "condition": {"type": "string", "description": "SYSTEM|CODE that makes another case; default the index's active conditions"}
                }}}}},
                "responses": {
                  "200": {"description": "{index, from, to, distanceMeters, minutes, contacts:[{patient, minutes, first, last, places}], source:{places:[{place, first, last, minutes}], conditions, cases:[{patient, places}]}}", "content": {"application/json": {"schema": {"type": "object", "required": ["contacts", "source"]}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/screening": {
              "get": {
                "summary": "A fever-screening site's days (docs/clinical.md, Fever screening in public places): per UTC day, screened, febrile at the site's cut-off, EARS C1, C2, C3 and CUSUM statistics (null until their baselines are complete) and whether anything signals. Public health and administrators; others 403",
                "parameters": [
                  {"name": "location", "in": "query", "required": true, "description": "Location/ID of the site its kiosks (Devices with this location and no patient) stand at", "schema": {"type": "string"}},
                  {"name": "date", "in": "query", "description": "The last day (YYYY-MM-DD); default today", "schema": {"type": "string", "format": "date"}},
                  {"name": "days", "in": "query", "description": "Days shown before the last: default 27, at most 366", "schema": {"type": "integer", "minimum": 0, "maximum": 366}}
                ],
                "responses": {
                  "200": {"description": "{location, cutOff:{value, unit}, problem?, days:[{date, screened, febrile, c1, c2, c3, cusum, signal}]}", "content": {"application/json": {"schema": {"type": "object", "required": ["location", "cutOff", "days"]}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/stream": {
              "get": {
                "summary": "Live events (WebSocket). Upgrade, then send {\"type\":\"auth\",\"token\":\"…\",\"lastEventId\":N} as the first message; never a token in the URL. Events: readings, score, alert, notification, all-clear; see docs/clinical.md. A request without the upgrade is answered 401 without a bearer token, else 426",
                "responses": {
                  "101": {"description": "Switched to the WebSocket protocol"},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "426": {"description": "Not a WebSocket upgrade", "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}}
                }
              }
            },
            "/api/users": {
              "get": {
                "summary": "List accounts (administrators)",
                "responses": {
                  "200": {"description": "Accounts", "content": {"application/json": {"schema": {"type": "object", "required": ["users"], "properties": {"users": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"}
                }
              },
              "post": {
                "summary": "Create an account (administrators)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewUser"}}}},
                "responses": {
                  "201": {"description": "Created", "headers": {"Location": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "409": {"$ref": "#/components/responses/Conflict"},
                  "422": {"$ref": "#/components/responses/Unprocessable"}
                }
              }
            },
            "/api/users/{username}": {
              "patch": {
                "summary": "Change an account's role, password, fhirUser or disabled flag (administrators)",
                "parameters": [{"name": "username", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserChange"}}}},
                "responses": {
                  "200": {"description": "Changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "422": {"$ref": "#/components/responses/Unprocessable"}
                }
              }
            },
            "/api/devices/{id}/credentials": {
              "parameters": [{"name": "id", "in": "path", "required": true, "description": "The Device's FHIR id", "schema": {"type": "string"}}],
              "post": {
                "summary": "Issue a device token, shown once (administrators)",
                "responses": {
                  "201": {"description": "Issued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credential"}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              },
              "delete": {
                "summary": "Revoke all of a device's credentials, effective on its next request (administrators)",
                "responses": {
                  "200": {"description": "Revoked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Revoked"}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/devices/{id}/commands": {
              "parameters": [{"name": "id", "in": "path", "required": true, "description": "The Device's FHIR id", "schema": {"type": "string"}}],
              "post": {
                "summary": "Ask for a command to a device on a patient of your care team, within the policy's commands, limits and roles; a therapy change is proposed until a second person confirms it (docs/commands.md)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["command"], "properties": {"command": {"type": "string"}, "parameters": {"type": "object", "additionalProperties": {"type": "number"}}, "deadlineSeconds": {"type": "integer"}}}}}},
                "responses": {
                  "201": {"description": "Stored, proposed or requested", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Command"}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "422": {"$ref": "#/components/responses/Unprocessable"}
                }
              }
            },
            "/api/commands": {
              "get": {
                "summary": "Commands to the devices of your patients, newest first, with their histories",
                "parameters": [
                  {"name": "device", "in": "query", "schema": {"type": "string"}},
                  {"name": "patient", "in": "query", "schema": {"type": "string"}},
                  {"name": "state", "in": "query", "description": "Comma-separated states", "schema": {"type": "string"}}
                ],
                "responses": {
                  "200": {"description": "The commands", "content": {"application/json": {"schema": {"type": "object", "properties": {"commands": {"type": "array", "items": {"$ref": "#/components/schemas/Command"}}}}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"}
                }
              }
            },
            "/api/commands/{id}": {
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "get": {
                "summary": "A command with its history",
                "responses": {
                  "200": {"description": "The command", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Command"}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/commands/{id}/confirm": {
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "post": {
                "summary": "Confirm a proposed command (not the person who asked for it; a role the policy names)",
                "responses": {
                  "200": {"description": "Requested: sent when due", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Command"}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "409": {"$ref": "#/components/responses/Conflict"}
                }
              }
            },
            "/api/commands/{id}/cancel": {
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "post": {
                "summary": "Withdraw a command not yet sent, with a reason",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
                "responses": {
                  "200": {"description": "Cancelled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Command"}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "409": {"$ref": "#/components/responses/Conflict"}
                }
              }
            },
            "/api/device/commands": {
              "get": {
                "summary": "The commands waiting for the calling device (its token), for devices that cannot subscribe; each is marked delivered",
                "responses": {
                  "200": {"description": "The commands", "content": {"application/json": {"schema": {"type": "object", "properties": {"commands": {"type": "array", "items": {"$ref": "#/components/schemas/CommandMessage"}}}}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"}
                }
              }
            },
            "/api/device/commands/ack": {
              "post": {
                "summary": "The calling device's answer to one of its commands (as on vigil/devices/{id}/commands/ack)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CommandAnswer"}}}},
                "responses": {
                  "200": {"description": "The command's state; recorded is false for a repeat or a late answer", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "integer"}, "state": {"type": "string"}, "recorded": {"type": "boolean"}}}}}},
                  "400": {"$ref": "#/components/responses/Invalid"},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/api/devices/{id}/credentials/{credential}": {
              "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "credential", "in": "path", "required": true, "schema": {"type": "integer"}}
              ],
              "delete": {
                "summary": "Revoke one credential (administrators)",
                "responses": {
                  "200": {"description": "Revoked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Revoked"}}}},
                  "401": {"$ref": "#/components/responses/Unauthenticated"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/health": {
              "get": {"summary": "Readiness: database reachable and ingest accepting", "security": [], "responses": {"200": {"$ref": "#/components/responses/Health"}, "503": {"$ref": "#/components/responses/Health"}}}
            },
            "/health/ready": {
              "get": {"summary": "Readiness (same as /health)", "security": [], "responses": {"200": {"$ref": "#/components/responses/Health"}, "503": {"$ref": "#/components/responses/Health"}}}
            },
            "/health/live": {
              "get": {"summary": "Liveness: the process answers", "security": [], "responses": {"200": {"description": "Alive", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}}}}}}}
            },
            "/metrics": {
              "get": {"summary": "Prometheus metrics", "security": [], "responses": {"200": {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}}}
            },
            "/openapi.json": {
              "get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}}
            },
            "/": {
              "get": {"summary": "The dashboard: the sign-in form, or (with a session) a redirect to the person's home page", "security": [], "responses": {"200": {"description": "The sign-in form (HTML), with a vigil_signin cookie holding its CSRF token", "content": {"text/html": {"schema": {"type": "string"}}}}, "303": {"description": "Signed in: to /board (/school for a school nurse or a parent)"}}}
            },
            "/signin": {
              "post": {"summary": "Dashboard sign-in (form: username, password, csrf = the vigil_signin cookie)", "security": [], "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"username": {"type": "string"}, "password": {"type": "string"}, "csrf": {"type": "string"}}}}}}, "responses": {"303": {"description": "Signed in: a vigil_session cookie (HttpOnly, SameSite=Strict, Secure on TLS), to /board (/school for a school nurse or a parent)"}, "401": {"description": "The form again, with the reason"}, "403": {"description": "The form's CSRF token did not match"}, "429": {"description": "Too many failed sign-ins"}}}
            },
            "/signout": {
              "post": {"summary": "Dashboard sign-out (form: csrf)", "security": [{"session": []}], "responses": {"303": {"description": "Signed out: to /"}, "401": {"$ref": "#/components/responses/Unauthenticated"}, "403": {"$ref": "#/components/responses/Forbidden"}}}
            },
            "/board": {
              "get": {"summary": "The ward board page: the signed-in person's patients, most urgent first", "security": [{"session": []}], "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}, "303": {"description": "No session: to the sign-in form"}}}
            },
            "/alerts": {
              "get": {"summary": "The alert inbox page: open alerts of the signed-in person's patients", "security": [{"session": []}], "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}, "303": {"description": "No session: to the sign-in form"}}}
            },
            "/alerts/{id}/ack": {
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "post": {"summary": "Acknowledge from the inbox (form: csrf)", "security": [{"session": []}], "responses": {"303": {"description": "Back to /alerts (public health: to /public-health)"}, "401": {"$ref": "#/components/responses/Unauthenticated"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}}}
            },
            "/alerts/{id}/resolve": {
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "post": {"summary": "Resolve from the inbox (form: reason, csrf)", "security": [{"session": []}], "responses": {"303": {"description": "Back to /alerts (public health: to /public-health)"}, "400": {"$ref": "#/components/responses/Invalid"}, "401": {"$ref": "#/components/responses/Unauthenticated"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}}}
            },
            "/patients/{id}": {
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "hours", "in": "query", "schema": {"type": "integer", "enum": [6, 24, 72, 168]}}, {"name": "view", "in": "query", "schema": {"type": "string", "enum": ["all", "cardiology", "respiratory", "endocrinology"]}}],
              "get": {"summary": "The patient page: vitals charted with alerts and treatments, results, imaging, treatments, conditions, immunizations, care team, devices", "security": [{"session": []}], "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}, "303": {"description": "No session: to the sign-in form"}, "404": {"$ref": "#/components/responses/NotFound"}}}
            },
            "/school": {
              "get": {"summary": "The school nurse's view: pupils with glucose and trend or peak-flow zone, action plans, alerts, who to call", "security": [{"session": []}], "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}, "303": {"description": "No session: to the sign-in form"}}}
            },
            "/public-health": {
              "get": {"summary": "The public-health page: screening sites with today's figures, signals, alerts and epidemic curves; a cohort's counts by area and age band; the exposure search (public health and administrators; others to their home)", "security": [{"session": []}], "parameters": [{"name": "cohort", "in": "query", "schema": {"type": "string", "enum": ["influenza", "covid-19", "measles"]}}], "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}, "303": {"description": "No session: to the sign-in form; not public health: to the person's home"}}}
            },
            "/public-health/exposures": {
              "post": {"summary": "The exposure search form (public health; csrf, index, from, to, distanceMeters, minutes, reason required): the page with the answer, audited as POST /api/exposures", "security": [{"session": []}], "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["csrf", "index", "from", "to", "distanceMeters", "minutes", "reason"]}}}}, "responses": {"200": {"description": "HTML with the answer", "content": {"text/html": {"schema": {"type": "string"}}}}, "400": {"description": "HTML with why the search was refused"}, "401": {"$ref": "#/components/responses/Unauthenticated"}, "403": {"$ref": "#/components/responses/Forbidden"}}}
            },
            "/static/vigil.css": {
              "get": {"summary": "The dashboard's stylesheet", "security": [], "responses": {"200": {"description": "CSS", "content": {"text/css": {"schema": {"type": "string"}}}}}}
            },
            "/static/vigil.js": {
              "get": {"summary": "The dashboard's script (live updates)", "security": [], "responses": {"200": {"description": "JavaScript", "content": {"text/javascript": {"schema": {"type": "string"}}}}}}
            },
            "/static/favicon.svg": {
              "get": {"summary": "The dashboard's icon", "security": [], "responses": {"200": {"description": "SVG", "content": {"image/svg+xml": {"schema": {"type": "string"}}}}}}
            },
            "/favicon.ico": {
              "get": {"summary": "The dashboard's icon, where browsers look by default (SVG)", "security": [], "responses": {"200": {"description": "SVG", "content": {"image/svg+xml": {"schema": {"type": "string"}}}}}}
            }
          },
          "components": {
            "securitySchemes": {
              "bearer": {"type": "http", "scheme": "bearer", "description": "A user's token from POST /auth/token, or a device token from POST /api/devices/{id}/credentials. Never in the URL."},
              "session": {"type": "apiKey", "in": "cookie", "name": "vigil_session", "description": "The dashboard's session, from POST /signin; forms also carry the session's CSRF token (field csrf or header X-CSRF-Token)."}
            },
            "responses": {
              "Invalid": {"description": "Malformed request", "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}},
              "Unauthenticated": {"description": "No valid credentials", "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}},
              "Forbidden": {"description": "The role may not do this", "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}},
              "NotFound": {"description": "Not found", "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}},
              "Conflict": {"description": "Conflicts with the current state (already exists, already resolved)", "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}},
              "Unprocessable": {"description": "Breaks a rule", "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}},
              "TooLarge": {"description": "Body, batch or nesting over the limit", "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}},
              "Unavailable": {"description": "Write queue full or shutting down; see Retry-After", "headers": {"Retry-After": {"schema": {"type": "integer"}}}, "content": {"application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}},
              "Health": {"description": "Health", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}
            },
            "schemas": {
              "SignIn": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}},
              "Token": {"type": "object", "required": ["access_token", "token_type", "expires_in"], "properties": {"access_token": {"type": "string"}, "token_type": {"const": "Bearer"}, "expires_in": {"type": "integer"}, "refresh_token": {"type": "string", "description": "password and refresh_token grants"}, "scope": {"type": "string"}}},
              "TokenRequest": {"type": "object", "required": ["grant_type"], "properties": {"grant_type": {"enum": ["password", "refresh_token", "client_credentials"]}, "username": {"type": "string"}, "password": {"type": "string"}, "refresh_token": {"type": "string"}, "scope": {"type": "string"}, "client_assertion_type": {"const": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {"type": "string"}}},
              "OAuthError": {"type": "object", "required": ["error"], "properties": {"error": {"enum": ["invalid_request", "invalid_client", "invalid_grant", "unsupported_grant_type", "invalid_scope"]}, "error_description": {"type": "string"}}},
              "Reading": {
                "type": "object", "required": ["seq", "time", "code", "value", "unit"], "additionalProperties": false,
                "properties": {
                  "seq": {"type": "integer", "minimum": 0, "description": "The device's reading counter; with boot, the producer key"},
                  "boot": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$", "description": "A new id each time the device's counter restarts; 0 when absent"},
                  "time": {"type": "string", "description": "When the device measured it: an instant with a zone"},
                  "code": {"type": "string", "description": "A LOINC code Vigil accepts from devices"},
                  "value": {"type": "number"},
                  "unit": {"type": "string", "description": "A UCUM unit of the code"}
                }
              },
              "IngestRequest": {"type": "object", "required": ["readings"], "additionalProperties": false, "properties": {"readings": {"type": "array", "maxItems": 10000, "items": {"$ref": "#/components/schemas/Reading"}}}},
              "IngestResult": {
                "type": "object", "required": ["accepted", "duplicates", "rejected"],
                "properties": {
                  "accepted": {"type": "integer"},
                  "duplicates": {"type": "integer"},
                  "rejected": {"type": "array", "items": {"type": "object", "required": ["index", "reason"], "properties": {"index": {"type": "integer"}, "seq": {"type": "integer"}, "reason": {"type": "string"}}}}
                }
              },
              "Quarantine": {
                "type": "object", "required": ["quarantine"],
                "properties": {"quarantine": {"type": "array", "items": {"type": "object", "required": ["id", "device", "index", "reason", "source", "received", "payload"], "properties": {
                  "id": {"type": "integer"}, "device": {"type": "string"}, "boot": {"type": "string"}, "seq": {"type": "integer"}, "index": {"type": "integer"},
                  "reason": {"type": "string"}, "source": {"type": "string"}, "received": {"type": "string"}, "payload": {}
                }}}}
              },
              "NotificationPreferences": {
                "type": "object",
                "properties": {
                  "channels": {"type": "array", "maxItems": 5, "items": {"type": "object", "required": ["kind", "address"], "properties": {"kind": {"type": "string", "enum": ["email", "sms", "pager"]}, "address": {"type": "string"}, "priorities": {"type": "array", "items": {"type": "string", "enum": ["high", "medium", "low"]}}}}},
                  "quietHours": {"type": "object", "required": ["start", "end", "timeZone"], "properties": {"start": {"type": "string", "example": "22:00"}, "end": {"type": "string", "example": "07:00"}, "timeZone": {"type": "string", "example": "Europe/London"}}}
                }
              },
              "Command": {
                "type": "object",
                "required": ["id", "device", "command", "parameters", "state", "requestedBy", "created", "deadline", "attempts", "history"],
                "properties": {
                  "id": {"type": "integer"}, "device": {"type": "string"}, "patient": {"type": "string"}, "command": {"type": "string"},
                  "parameters": {"type": "object", "additionalProperties": {"type": "number"}},
                  "state": {"type": "string", "enum": ["proposed", "requested", "sent", "delivered", "accepted", "rejected", "completed", "failed", "expired", "cancelled"]},
                  "requestedBy": {"type": "string"}, "confirmedBy": {"type": "string"}, "proposal": {"type": "string"}, "reason": {"type": "string"},
                  "created": {"type": "string", "format": "date-time"}, "deadline": {"type": "string", "format": "date-time"}, "attempts": {"type": "integer"},
                  "history": {"type": "array", "items": {"type": "object", "required": ["state", "at", "by"], "properties": {"state": {"type": "string"}, "at": {"type": "string", "format": "date-time"}, "by": {"type": "string"}, "detail": {"type": "string"}}}}
                }
              },
              "CommandMessage": {
                "type": "object",
                "required": ["id", "command", "parameters", "deadline"],
                "properties": {"id": {"type": "integer"}, "command": {"type": "string"}, "parameters": {"type": "object", "additionalProperties": {"type": "number"}}, "deadline": {"type": "string", "format": "date-time"}}
              },
              "CommandAnswer": {
                "type": "object",
                "required": ["id", "status"],
                "properties": {"id": {"type": "integer"}, "status": {"type": "string", "enum": ["delivered", "accepted", "rejected", "completed", "failed"]}, "detail": {"type": "string"}}
              },
              "Webhook": {
                "type": "object",
                "required": ["id", "url", "priorities", "created"],
                "properties": {"id": {"type": "integer"}, "url": {"type": "string"}, "priorities": {"type": "array", "items": {"type": "string"}}, "created": {"type": "string", "format": "date-time"}}
              },
              "OnDuty": {
                "type": "object",
                "required": ["patient", "at", "people", "notified"],
                "properties": {
                  "patient": {"type": "string"},
                  "at": {"type": "string", "format": "date-time"},
                  "people": {"type": "array", "items": {"type": "object", "required": ["account", "level", "levelName", "onDuty", "reason"], "properties": {"account": {"type": "string"}, "level": {"type": "integer"}, "levelName": {"type": "string"}, "onDuty": {"type": "boolean"}, "reason": {"type": "string"}}}},
                  "notified": {"type": "object", "description": "By priority (high, medium, low): the accounts told at once", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
                }
              },
              "Alert": {
                "type": "object", "required": ["id", "patient", "kind", "condition", "priority", "status", "escalation", "raised", "updated", "message", "values", "acknowledgements"],
                "properties": {
                  "id": {"type": "integer"}, "patient": {"type": "string", "description": "Patient/ID"},
                  "kind": {"type": "string"}, "condition": {"type": "string", "description": "Unique among the patient's open alerts"},
                  "priority": {"type": "string", "enum": ["high", "medium", "low"]},
                  "status": {"type": "string", "enum": ["active", "acknowledged", "resolved"]},
                  "escalation": {"type": "integer", "minimum": 0, "description": "Escalation level, 0 first"},
                  "raised": {"type": "string"}, "updated": {"type": "string"}, "message": {"type": "string"},
                  "values": {"description": "What raised it: the score and its parts, the reading, the forecast"},
                  "acknowledgements": {"type": "array", "items": {"type": "object", "required": ["by", "at"], "properties": {"by": {"type": "string"}, "at": {"type": "string"}, "level": {"type": "integer", "minimum": 0, "description": "The escalation level the person acknowledged at; absent for someone at no level"}}}},
                  "resolution": {"type": "object", "required": ["reason", "at"], "properties": {"by": {"type": "string"}, "reason": {"type": "string"}, "at": {"type": "string"}}}
                }
              },
              "AlertStep": {"type": "object", "required": ["kind", "at"], "properties": {"kind": {"type": "string", "enum": ["raised", "upgraded", "worsened", "acknowledged", "renotified", "escalated", "handed-over", "delivered", "delivery-failed", "resolved", "commented"]}, "at": {"type": "string"}, "by": {"type": "string"}, "detail": {"type": "string"}, "notified": {"type": "array", "items": {"type": "string"}}}},
              "Board": {
                "type": "object", "required": ["generated", "rules", "total", "offset", "patients"],
                "properties": {
                  "generated": {"type": "string"}, "rules": {"type": "string", "enum": ["on", "off"]},
                  "total": {"type": "integer", "description": "Patients ranked"}, "offset": {"type": "integer"},
                  "patients": {"type": "array", "items": {"type": "object", "required": ["rank", "patient", "alerts", "vitals"], "properties": {
                    "rank": {"type": "integer"}, "patient": {"type": "string"}, "name": {"type": "string"}, "birthDate": {"type": "string"},
                    "alerts": {"type": "object", "required": ["open", "unacknowledged", "escalation", "items"], "properties": {"open": {"type": "integer"}, "unacknowledged": {"type": "integer"}, "escalation": {"type": "integer"}, "top": {"type": "string", "enum": ["high", "medium", "low"]}, "items": {"type": "array", "items": {"type": "object"}}}},
                    "score": {"type": "object", "required": ["kind", "total", "partial", "time"], "properties": {"kind": {"type": "string", "enum": ["news2", "pews"]}, "total": {"type": "integer"}, "band": {"type": "string"}, "partial": {"type": "boolean"}, "trend": {"type": "string", "enum": ["rising", "steady", "falling"]}, "time": {"type": "string"}}},
                    "vitals": {"type": "array", "items": {"type": "object", "required": ["code", "value", "unit", "time", "ageSeconds", "stale"], "properties": {"code": {"type": "string"}, "display": {"type": "string"}, "value": {"type": "number"}, "unit": {"type": "string"}, "time": {"type": "string"}, "ageSeconds": {"type": "integer"}, "stale": {"type": "boolean"}, "flag": {"type": "object", "required": ["side", "severity"], "properties": {"side": {"type": "string", "enum": ["low", "high"]}, "severity": {"type": "string", "enum": ["moderate", "severe"]}, "points": {"type": "integer"}}}}}}
                  }}}
                }
              },
              "Role": {"type": "string", "enum": ["admin", "physician", "nurse", "school-nurse", "caregiver", "public-health", "researcher"]},
              "User": {"type": "object", "required": ["username", "role", "disabled", "created"], "properties": {"username": {"type": "string"}, "role": {"$ref": "#/components/schemas/Role"}, "fhirUser": {"type": "string"}, "disabled": {"type": "boolean"}, "created": {"type": "string"}, "scope": {"type": "string", "description": "a backend service's scopes"}, "keys": {"type": "array", "items": {"type": "string"}, "description": "a backend service's key ids"}}},
              "NewUser": {"type": "object", "required": ["username", "role"], "description": "A person's account takes password; a backend service's takes jwks and scope instead", "properties": {"jwks": {"type": "object", "description": "A JWK Set of RS384 (RSA, 2,048 bits or more) or ES384 (P-384) public keys, each with a kid"}, "scope": {"type": "string", "description": "The system/ scopes the service may be granted"}, "username": {"type": "string", "pattern": "^[a-z0-9._@-]{1,64}$"}, "password": {"type": "string", "minLength": 12, "maxLength": 72, "pattern": "^[^\\u0000-\\u001f\\u007f]*$", "description": "12 characters or more, at most 72 bytes in UTF-8, no control characters"}, "role": {"$ref": "#/components/schemas/Role"}, "fhirUser": {"type": "string", "description": "Practitioner/ID or RelatedPerson/ID; required for physician, nurse, school-nurse and caregiver"}}},
              "UserChange": {"type": "object", "properties": {"jwks": {"type": "object"}, "scope": {"type": "string"}, "password": {"type": "string", "minLength": 12, "maxLength": 72, "pattern": "^[^\\u0000-\\u001f\\u007f]*$", "description": "12 characters or more, at most 72 bytes in UTF-8, no control characters"}, "role": {"$ref": "#/components/schemas/Role"}, "fhirUser": {"type": "string"}, "disabled": {"type": "boolean"}}},
              "Credential": {"type": "object", "required": ["id", "device", "token"], "properties": {"id": {"type": "integer"}, "device": {"type": "string"}, "token": {"type": "string", "description": "Shown once; stored only as its SHA-256"}}},
              "Revoked": {"type": "object", "required": ["revoked"], "properties": {"revoked": {"type": "integer", "description": "How many active credentials were revoked"}}},
              "Health": {"type": "object", "required": ["status", "checks"], "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]}, "checks": {"type": "object"}}},
              "OperationOutcome": {"type": "object", "required": ["resourceType", "issue"], "properties": {"resourceType": {"const": "OperationOutcome"}, "issue": {"type": "array", "items": {"type": "object", "required": ["severity", "code"], "properties": {"severity": {"type": "string"}, "code": {"type": "string"}, "diagnostics": {"type": "string"}, "expression": {"type": "array", "items": {"type": "string"}}}}}}}
            }
          }
        }
        """#
}
