import Foundation
import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// FHIR Bulk Data `$export` (v2): kick-off at three levels, polling, the manifest, NDJSON files,
/// cancel and expiry; administrators only, each export its owner's.
@Suite struct BulkExportTests {
    static let async: HTTPFields = [.prefer: "respond-async", .accept: "application/fhir+json"]

    /// Kicks off `path` as `token`: the status path (without the origin).
    static func kickOff(_ client: Client, _ path: String, token: String) async throws -> String {
        let reply = try await client.request(.get, path, token: token, headers: async)
        #expect(reply.status == .accepted, "\(path): \(reply.text)")
        let location = try #require(reply.headers[.contentLocation])
        let start = try #require(location.range(of: "/fhir/")).lowerBound
        return String(location[start...])
    }

    /// Polls until the export ends: its last reply.
    static func poll(_ client: Client, _ status: String, token: String) async throws -> Reply {
        for _ in 0..<500 {
            let reply = try await client.get(status, token: token)
            guard reply.status == .accepted else { return reply }
            #expect(reply.headers[.retryAfter] != nil && reply.headers[BulkExportRoutes.progress] != nil)
            try await Task.sleep(for: .milliseconds(10))
        }
        throw VigilError(.internal, "the export did not end")
    }

    /// The manifest's files, fetched: each type's resources, parsed.
    static func files(_ client: Client, _ manifest: JSON, token: String) async throws -> [String: [JSON]] {
        var files: [String: [JSON]] = [:]
        for output in manifest["output"]?.arrayValue ?? [] {
            let url = try #require(output["url"]?.stringValue)
            let reply = try await client.get(String(url[url.range(of: "/fhir/")!.lowerBound...]), token: token)
            #expect(reply.status == .ok && reply.headers[.contentType] == "application/fhir+ndjson")
            let lines = reply.text.split(separator: "\n").map { try? JSON.parse(String($0)) }
            #expect(lines.count == output["count"]?.int64Value.map(Int.init) && !lines.contains(nil))
            files[output["type"]!.stringValue!] = lines.compactMap { $0 }
        }
        return files
    }

    /// The device readings among the exported Observations.
    static func readings(_ files: [String: [JSON]]) -> Int { files["Observation"]?.filter { $0["device"] != nil }.count ?? 0 }

    @Test func systemPatientAndGroupExportsFollowTheProtocol() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let ingest = try await client.post("/api/ingest", token: world.devices["d1"], ["readings": .array(client.vitals(from: 1))])
            #expect(ingest.status == .ok)
            let everything = try await Self.poll(client, try await Self.kickOff(client, "/fhir/$export", token: world.admin), token: world.admin)
            #expect(everything.status == .ok, "\(everything.text)")
            let manifest = try #require(everything.json)
            #expect(manifest["requiresAccessToken"] == true && manifest["request"]?.stringValue?.hasSuffix("/fhir/$export") == true)
            #expect(manifest["transactionTime"] == .string(harness.clock.instant) && manifest["error"] == [])
            let files = try await Self.files(client, manifest, token: world.admin)
            #expect(Set(files["Patient"]?.compactMap { $0["id"]?.stringValue } ?? []) == ["p1", "p2", "c1"])
            // The five readings (and the score the rules may have stored from them by then).
            #expect(Self.readings(files) == 5 && files["Group"] != nil && files["Practitioner"] != nil && files["Condition"] == nil)
            #expect(files["Observation"]?.allSatisfy { $0["subject"]?["reference"] == "Patient/p1" } == true)

            // Patient level: records only, no directory. Group level: ward A's p1 only. _type and _since.
            let patients = try await Self.poll(
                client, try await Self.kickOff(client, "/fhir/Patient/$export", token: world.admin), token: world.admin)
            let patientFiles = try await Self.files(client, try #require(patients.json), token: world.admin)
            #expect(patientFiles["Patient"]?.count == 3 && patientFiles["Practitioner"] == nil && patientFiles["Group"] == nil)
            let ward = try await Self.poll(
                client, try await Self.kickOff(client, "/fhir/Group/wardA/$export?_type=Patient,Observation,Device", token: world.admin),
                token: world.admin)
            let wardFiles = try await Self.files(client, try #require(ward.json), token: world.admin)
            #expect(wardFiles["Patient"]?.map { $0["id"] } == ["p1"] && Self.readings(wardFiles) == 5)
            #expect(wardFiles["Device"]?.map { $0["id"] } == ["d1"] && Set(wardFiles.keys) == ["Patient", "Observation", "Device"])
            harness.clock.advance(seconds: 60)
            let later = harness.clock.instant
            try await client.put(["resourceType": "Patient", "name": [["family": "Later"]]], id: "p9", token: world.admin)
            let since = try await Self.poll(
                client, try await Self.kickOff(client, "/fhir/$export?_type=Patient&_since=\(later)", token: world.admin), token: world.admin)
            #expect(try await Self.files(client, try #require(since.json), token: world.admin)["Patient"]?.map { $0["id"] } == ["p9"])

            // What the protocol refuses.
            #expect(try await client.get("/fhir/$export", token: world.admin).status == .badRequest, "without Prefer: respond-async")
            for path in [
                "/fhir/$export?_type=Nothing", "/fhir/$export?_since=yesterday", "/fhir/$export?_outputFormat=text/csv",
                "/fhir/$export?_elements=id", "/fhir/Patient/$export?_type=Practitioner",
            ] {
                let reply = try await client.request(.get, path, token: world.admin, headers: Self.async)
                #expect(reply.status == .badRequest && reply.isOperationOutcome, "\(path): \(reply.status)")
            }
            #expect(try await client.request(.get, "/fhir/Group/nobody/$export", token: world.admin, headers: Self.async).status == .notFound)
            // Every kick-off is audited with what it asked.
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(audit.contains { $0.resource == "$export" && $0.detail == "/fhir/Group/wardA/$export?_type=Patient,Observation,Device" })
        }
    }

    @Test func onlyAdministratorsExportAndOnlyTheOwnerPollsFetchesAndCancels() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            for token in [world["nina"], world["doc"], world["ph"], world.devices["d1"]!] {
                let reply = try await client.request(.get, "/fhir/$export", token: token, headers: Self.async)
                #expect(reply.status == .forbidden && reply.isOperationOutcome)
                #expect(try await client.request(.get, "/fhir/Patient/$export", token: token, headers: Self.async).status == .forbidden)
            }
            // A researcher exports only a research project's, de-identified (ResearchExportTests).
            let unscoped = try await client.request(.get, "/fhir/$export", token: world["rita"], headers: Self.async)
            #expect(unscoped.status == .badRequest && unscoped.text.contains("project=ID"))
            let status = try await Self.kickOff(client, "/fhir/$export?_type=Patient", token: world.admin)
            let manifest = try #require(try await Self.poll(client, status, token: world.admin).json)
            let file = try #require(manifest["output"]?[0]?["url"]?.stringValue).split(separator: "/fhir/").last.map { "/fhir/" + $0 }!
            let other = try await client.user("admin2", role: .admin, fhirUser: nil, admin: world.admin)
            #expect(try await client.get(status, token: other).status == .notFound)
            #expect(try await client.get(file, token: other).status == .notFound)
            #expect(try await client.request(.delete, status, token: other).status == .notFound)
            #expect(try await client.get(file, token: world["rita"]).status == .notFound)
            #expect(try await client.get(file, token: world["nina"]).status == .forbidden)
            #expect(try await client.get(file, token: nil).status == .unauthorized)
            #expect(try await client.get(file, token: world.admin).status == .ok)
        }
    }

    @Test func aCancelledOrExpiredExportIsGoneWithItsFiles() async throws {
        let harness = try Harness { $0.exportRetentionHours = 1 }
        try await harness.run { client in
            let world = try await World.build(client)
            let folder = harness.runtime.configuration.dataDirectory + "/exports"
            let cancelled = try await Self.kickOff(client, "/fhir/$export", token: world.admin)
            _ = try await Self.poll(client, cancelled, token: world.admin)
            let id = String(cancelled.split(separator: "/").last!)
            #expect(FileManager.default.fileExists(atPath: folder + "/" + id + "/Patient.ndjson"))
            #expect(try await client.request(.delete, cancelled, token: world.admin).status == .accepted)
            #expect(try await client.get(cancelled, token: world.admin).status == .notFound)
            #expect(!FileManager.default.fileExists(atPath: folder + "/" + id))

            let expiring = try await Self.kickOff(client, "/fhir/$export", token: world.admin)
            let done = try await Self.poll(client, expiring, token: world.admin)
            #expect(done.status == .ok && done.headers[.expires] != nil)
            let expiringID = String(expiring.split(separator: "/").last!)
            harness.clock.advance(seconds: 3599)
            let admin = try await client.adminToken()  // the first token has expired
            #expect(try await client.get(expiring, token: admin).status == .ok)
            harness.clock.advance(seconds: 1)
            #expect(try await client.get(expiring, token: admin).status == .notFound)
            #expect(!FileManager.default.fileExists(atPath: folder + "/" + expiringID))

            // Nobody polls: the sweep the exporter runs every minute removes it all the same.
            let unpolled = try await Self.kickOff(client, "/fhir/$export", token: admin)
            #expect(try await Self.poll(client, unpolled, token: admin).status == .ok)
            let unpolledID = String(unpolled.split(separator: "/").last!)
            harness.clock.advance(seconds: 3600)
            harness.runtime.exports.sweep()
            #expect(!FileManager.default.fileExists(atPath: folder + "/" + unpolledID))
        }
    }
}

extension BulkExportTests {
    /// `_typeFilter`: a filtered type holds only what matches one of its searches (readings and
    /// stored resources alike); other types are whole; a filter that is not a type's own search is 400.
    @Test func typeFiltersNarrowTheirTypesOnly() async throws {
        let harness = try Harness { $0.rules = false }
        try await harness.run { client in
            let world = try await World.build(client)
            let ingest = try await client.post("/api/ingest", token: world.devices["d1"], ["readings": .array(client.vitals(from: 1))])
            #expect(ingest.status == .ok)
            try await client.put(
                [
                    "resourceType": "Observation", "status": "final", "subject": ["reference": "Patient/p2"],
                    "code": ["coding": [["system": "http://loinc.org", "code": "8867-4"]]], "effectiveDateTime": "2026-02-28T10:00:00Z",
                    "valueQuantity": ["value": 64, "unit": "/min"],
                ], id: "manual", token: world.admin)
            func export(_ query: String) async throws -> [String: [JSON]] {
                let status = try await Self.kickOff(client, "/fhir/$export?" + query, token: world.admin)
                return try await Self.files(client, try #require(try await Self.poll(client, status, token: world.admin).json), token: world.admin)
            }
            let codes = { (files: [String: [JSON]]) in
                (files["Observation"] ?? []).compactMap { $0["code"]?["coding"]?[0]?["code"]?.stringValue }.sorted()
            }
            let heart = try await export("_type=Observation,Patient&_typeFilter=Observation%3Fcode%3D8867-4")
            #expect(codes(heart) == ["8867-4", "8867-4"] && heart["Patient"]?.count == 3, "a reading and the stored one; every patient")
            let two = try await export("_type=Observation&_typeFilter=Observation%3Fcode%3D8867-4,Observation%3Fcode%3D59408-5%26patient%3Dp1")
            #expect(codes(two) == ["59408-5", "8867-4", "8867-4"])
            let some = try await export("_type=Patient&_typeFilter=Patient%3F_id%3Dp1,c1")
            #expect(Set(some["Patient"]?.compactMap { $0["id"]?.stringValue } ?? []) == ["p1", "c1"])
            for filter in ["Observation%3Fsubject:Patient.name%3DX", "Nothing%3Fx%3D1", "Observation%3Fbogus%3D1", "code%3D8867-4"] {
                let reply = try await client.request(.get, "/fhir/$export?_typeFilter=\(filter)", token: world.admin, headers: Self.async)
                #expect(reply.status == .badRequest && reply.isOperationOutcome, "\(filter): \(reply.text)")
            }
            let outside = try await client.request(
                .get, "/fhir/$export?_type=Patient&_typeFilter=Observation%3Fcode%3D1", token: world.admin, headers: Self.async)
            #expect(outside.status == .badRequest && outside.text.contains("not a type this export holds"))
        }
    }
}
