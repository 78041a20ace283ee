import Crypto
import Foundation
import HTTPTypes
import Testing
import VigilClinical
import VigilCore

@testable import VigilServer

/// A researcher's `$export`: scoped to a research project, de-identified by its profile, without
/// those who refused research or whose quasi-identifier class is smaller than k, signed, audited.
@Suite struct ResearchExportTests {
    /// One value of each identifier class a clinician's record carries, planted in every patient's
    /// names, contacts, address, identifiers, notes, extensions and free text.
    static let planted = [
        "Planted-Family", "Planted-Given", "17 Planted Street", "Plantedville", "617-555-0177", "planted@example.org", "078-05-",
        "MRN-PLANTED", "https://planted.example.org", "198.51.100.23", "SN-PLANTED-9", "Dr. Planted",
    ]

    /// Study patients s0…s9 (born 1970, female, ZIP 02138: one class of ten), s10 (alone in its
    /// class), each with a reading and a condition; s3 refuses research; the Group `study` holds
    /// them all and not ward A's p1.
    static func buildStudy(_ client: Client, admin: String) async throws {
        for i in 0...10 {
            let id = "s\(i)"
            let alone = i == 10
            try await client.put(
                [
                    "resourceType": "Patient", "gender": alone ? "male" : "female",
                    "birthDate": alone ? "1950-05-05" : .string("1970-0\(i % 9 + 1)-1\(i)"),
                    "name": [["family": "Planted-Family", "given": ["Planted-Given"]]],
                    "telecom": [["system": "phone", "value": "617-555-0177"], ["system": "email", "value": "planted@example.org"]],
                    "address": [
                        ["line": ["17 Planted Street"], "city": "Plantedville", "state": "MA", "postalCode": alone ? "90210" : "02138-4401"]
                    ],
                    "identifier": [
                        ["system": "urn:mrn", "value": .string("MRN-PLANTED-\(i)")],
                        ["system": "http://hl7.org/fhir/sid/us-ssn", "value": .string("078-05-\(1120 + i)")],
                    ],
                    "extension": [["url": "https://planted.example.org", "valueString": "198.51.100.23"]],
                ], id: id, token: admin)
            try await client.put(
                [
                    "resourceType": "Observation", "status": "final", "subject": ["reference": .string("Patient/\(id)")],
                    "code": [
                        "coding": [["system": "http://loinc.org", "code": "8867-4", "display": "Heart rate of Planted-Family"]],
                        "text": "Dr. Planted",
                    ],
                    "effectiveDateTime": "2026-02-27T09:30:00Z",
                    "valueQuantity": ["value": .integer(70 + i), "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"],
                    "identifier": [["value": "SN-PLANTED-9"]], "note": [["text": "seen by Dr. Planted, call 617-555-0177"]],
                ], id: "o\(i)", token: admin)
            try await client.put(
                [
                    "resourceType": "Condition", "subject": ["reference": .string("Patient/\(id)")],
                    "code": ["coding": [["system": "http://snomed.info/sct", "code": "195967001"]], "text": "asthma, told Planted-Given"],
                    "onsetDateTime": "2019-04-02", "note": [["text": "MRN-PLANTED"]],
                ], id: "c\(i)", token: admin)
        }
        try await client.put(
            [
                "resourceType": "Consent", "status": "active", "patient": ["reference": "Patient/s3"],
                "scope": ["coding": [["system": .string(ResearchConsent.scopeSystem), "code": "research"]]],
                "category": [["coding": [["system": "http://loinc.org", "code": "59284-0"]]]],
                "policyRule": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTOUT"]]],
                "provision": ["type": "deny"],
            ], id: "optout", token: admin)
        try await client.put(
            [
                "resourceType": "Group", "type": "person", "actual": true,
                "member": .array((0...10).map { ["entity": ["reference": .string("Patient/s\($0)")]] }),
            ], id: "study", token: admin)
    }

    /// A ResearchStudy for `researchers`, over Group `study`.
    static func project(_ id: String, types: [String], researchers: [String], end: String = "2027-06-30", extra: [JSON] = []) -> JSON {
        [
            "resourceType": "ResearchStudy", "status": "active", "title": .string("Study \(id)"), "identifier": [["value": "IRB-42"]],
            "period": ["end": .string(end)], "enrollment": [["reference": "Group/study"]],
            "extension": .array(
                types.map { ["url": .string(ResearchProject.typeExtension), "valueCode": .string($0)] }
                    + researchers.map { ["url": .string(ResearchProject.researcherExtension), "valueString": .string($0)] } + extra),
        ]
    }

    /// Exports `path` as `token` to the end: the manifest and each file's text.
    static func export(_ client: Client, _ path: String, token: String) async throws -> (manifest: JSON, files: [String: String]) {
        let status = try await BulkExportTests.kickOff(client, path, token: token)
        let reply = try await BulkExportTests.poll(client, status, token: token)
        #expect(reply.status == .ok, "\(reply.text)")
        let manifest = try #require(reply.json)
        var files: [String: String] = [:]
        for output in manifest["output"]?.arrayValue ?? [] {
            let url = try #require(output["url"]?.stringValue)
            let file = try await client.get(String(url[url.range(of: "/fhir/")!.lowerBound...]), token: token)
            files[output["type"]!.stringValue!] = file.text
        }
        return (manifest, files)
    }

    static func lines(_ text: String?) -> [JSON] { (text ?? "").split(separator: "\n").compactMap { try? JSON.parse(String($0)) } }

    @Test func aResearchersExportIsDeidentifiedWithoutRefusersOrSmallClassesSignedAndAudited() async throws {
        let harness = try Harness { $0.rules = false }
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.buildStudy(client, admin: world.admin)
            try await client.put(
                Self.project("asthma", types: ["Patient", "Observation", "Condition"], researchers: ["rita"]), id: "asthma", token: world.admin)
            let (manifest, files) = try await Self.export(client, "/fhir/$export?project=asthma", token: world["rita"])

            // Nine of the eleven: s3 refused research, s10 was alone in its class; p1 is not in the study.
            let patients = Self.lines(files["Patient"])
            #expect(patients.count == 9 && Set(files.keys) == ["Patient", "Observation", "Condition"])
            let pseudonyms = Set(patients.compactMap { $0["id"]?.stringValue })
            #expect(pseudonyms.count == 9 && pseudonyms.allSatisfy { $0.count == 32 })
            #expect(patients.allSatisfy { $0["birthDate"] == "1970" && $0["address"] == [["postalCode": "021", "state": "MA"]] })
            for type in ["Observation", "Condition"] {
                let records = Self.lines(files[type])
                #expect(records.count == 9, "\(type)")
                #expect(Set(records.compactMap { $0["subject"]?["reference"]?.stringValue }) == Set(pseudonyms.map { "Patient/\($0)" }))
            }
            #expect(
                Set(Self.lines(files["Observation"]).compactMap { $0["valueQuantity"]?["value"]?.int64Value })
                    == Set([70, 71, 72, 74, 75, 76, 77, 78, 79]))
            // Not one planted identifier, id, date finer than the year or address of the web.
            let text = files.values.joined(separator: "\n")
            for value in Self.planted + ["\"s1\"", "Patient/s", "Planted", "planted", "02138"] { #expect(!text.contains(value), "\(value)") }
            #expect(text.range(of: #"\d{4}-\d{2}"#, options: .regularExpression) == nil && !text.contains("@"))

            // The manifest says what was done, and signs it with the files' hashes.
            let deidentification = try #require(manifest["extension"]?["deidentification"])
            #expect(
                deidentification["profile"] == "safe-harbor" && deidentification["version"] == .string(SafeHarbor.version)
                    && deidentification["k"] == 5)
            #expect(deidentification["restrictedZIP3"]?.arrayValue?.count == 17 && deidentification["patients"] == 9)
            #expect(deidentification["patientsRefusingResearch"] == 1 && deidentification["patientsSuppressed"] == 1)
            #expect(deidentification["resourcesSuppressed"] == 3, "s10, their reading and their condition")
            let statement = try #require(manifest["extension"]?["statement"]?.stringValue)
            let signature = try #require(manifest["extension"]?["signature"])
            let publicKey = try #require(signature["publicKey"]?.stringValue)
            let key = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: publicKey)))
            #expect(publicKey == harness.runtime.exports.research.publicKey)
            let value = try #require(Data(base64Encoded: signature["value"]?.stringValue ?? ""))
            #expect(key.isValidSignature(value, for: Data(statement.utf8)))
            #expect(!key.isValidSignature(value, for: Data(statement.replacingOccurrences(of: "k: 5", with: "k: 2").utf8)))
            for (type, text) in files {
                #expect(statement.contains("file: \(type).ndjson 9 sha256:\(Hex.encode(SHA256.hash(data: Data(text.utf8))))"), "\(type)")
            }
            // The audit chain holds the kick-off with its project, and the statement's digest.
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event).filter { $0.actor.contains("rita") }
            #expect(audit.contains { $0.resource == "$export" && $0.detail == "project asthma: /fhir/$export?project=asthma" })
            #expect(audit.contains { $0.detail?.hasSuffix("statement sha256:\(ResearchExport.digest(statement))") == true })

            // Pseudonyms: the same within a project, different in another.
            let again = try await Self.export(client, "/fhir/Patient/$export?project=asthma&_type=Patient", token: world["rita"])
            #expect(Set(Self.lines(again.files["Patient"]).compactMap { $0["id"]?.stringValue }) == pseudonyms)
            try await client.put(Self.project("other", types: ["Patient"], researchers: ["rita"]), id: "other", token: world.admin)
            let other = try await Self.export(client, "/fhir/Group/study/$export?project=other", token: world["rita"])
            let otherIDs = Set(Self.lines(other.files["Patient"]).compactMap { $0["id"]?.stringValue })
            #expect(otherIDs.count == 9 && otherIDs.isDisjoint(with: pseudonyms) && Set(other.files.keys) == ["Patient"])
        }
    }

    @Test func aProjectOverACohortExportsItsMembersOnTheDayAsked() async throws {
        let harness = try Harness { $0.rules = false }
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.buildStudy(client, admin: world.admin)
            // Every study patient has asthma: at risk of influenza. s5 had this season's dose.
            try await client.put(
                [
                    "resourceType": "Immunization", "status": "completed", "patient": ["reference": "Patient/s5"],
                    "vaccineCode": ["coding": [["system": "http://hl7.org/fhir/sid/cvx", "code": "140"]]],
                    "occurrenceDateTime": "2025-10-15",
                ], id: "flu5", token: world.admin)
            let cohort: JSON = ["url": .string(ResearchProject.cohortExtension), "valueString": "influenza"]
            var study = Self.project("flu", types: ["Patient", "Condition"], researchers: ["rita"], extra: [cohort]).objectValue!
            study["enrollment"] = nil
            try await client.put(.object(study), id: "flu", token: world.admin)

            let (manifest, files) = try await Self.export(client, "/fhir/$export?project=flu", token: world["rita"])
            // s0…s9 less s3 (refused research) and s5 (protected); s10 and ward A's 66-year-olds
            // p1, p2 and c1 are members, each in a class of fewer than 5.
            #expect(Self.lines(files["Patient"]).count == 8 && Self.lines(files["Condition"]).count == 8)
            let deidentification = manifest["extension"]?["deidentification"]
            #expect(deidentification?["patientsSuppressed"] == 4 && deidentification?["patientsRefusingResearch"] == 1, "\(manifest)")
            let group = try await client.request(.get, "/fhir/Group/study/$export?project=flu", token: world["rita"], headers: BulkExportTests.async)
            #expect(group.status == .forbidden && group.text.contains("cohort influenza"), "\(group.text)")

            // The cohort is read when asked: after s7's dose, s7 is no longer in it.
            try await client.put(
                [
                    "resourceType": "Immunization", "status": "completed", "patient": ["reference": "Patient/s7"],
                    "vaccineCode": ["coding": [["system": "http://hl7.org/fhir/sid/cvx", "code": "140"]]],
                    "occurrenceDateTime": "2026-02-20",
                ], id: "flu7", token: world.admin)
            #expect(
                Self.lines(try await Self.export(client, "/fhir/$export?project=flu&_type=Patient", token: world["rita"]).files["Patient"]).count == 7
            )

            // A cohort the server does not define is refused when the project is registered.
            var unknown = study
            unknown["extension"] = [["url": .string(ResearchProject.cohortExtension), "valueString": "scurvy"]]
            unknown["id"] = "flu"
            let reply = try await client.put("/fhir/ResearchStudy/flu", token: world.admin, .object(unknown))
            #expect(reply.status == .unprocessableContent && reply.text.contains("no cohort definition scurvy"), "\(reply.text)")
        }
    }

    @Test func researchersExportOnlyTheirOpenProjectsWithinTheirScope() async throws {
        let harness = try Harness { $0.rules = false }
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.buildStudy(client, admin: world.admin)
            let rita = world["rita"]
            try await client.put(Self.project("asthma", types: ["Patient", "Observation"], researchers: ["rita"]), id: "asthma", token: world.admin)
            try await client.put(Self.project("theirs", types: ["Patient"], researchers: []), id: "theirs", token: world.admin)
            try await client.put(Self.project("over", types: ["Patient"], researchers: ["rita"], end: "2026-02-28"), id: "over", token: world.admin)
            func kickOff(_ path: String, _ token: String) async throws -> Reply {
                try await client.request(.get, path, token: token, headers: BulkExportTests.async)
            }
            let refused: [(String, String)] = [
                ("/fhir/$export?project=theirs", "not a research project you are assigned to"),
                ("/fhir/$export?project=nothing", "not a research project you are assigned to"),
                ("/fhir/$export?project=over", "expired"),
                ("/fhir/$export?project=asthma&_type=Condition", "does not export Condition"),
                ("/fhir/Group/wardA/$export?project=asthma", "its project's population, Group/study"),
            ]
            for (path, reason) in refused {
                let reply = try await kickOff(path, rita)
                #expect(reply.status == .forbidden && reply.isOperationOutcome && reply.text.contains(reason), "\(path): \(reply.text)")
            }
            #expect(try await kickOff("/fhir/$export?project=asthma", world["nina"]).status == .forbidden)
            #expect(try await kickOff("/fhir/$export?project=asthma", world["ph"]).status == .forbidden)
            #expect(try await kickOff("/fhir/Group/study/$export?project=asthma", rita).status == .accepted)

            // Only researchers' accounts are assigned, and a project must read as one.
            for (researcher, type, reason) in [("nina", "Patient", "nina is not a researcher"), ("rita", "Device", "not Device")] {
                var study = Self.project("n", types: [type], researchers: [researcher]).objectValue!
                study["id"] = "n"
                let reply = try await client.put("/fhir/ResearchStudy/n", token: world.admin, .object(study))
                #expect(reply.status == .unprocessableContent && reply.text.contains(reason), "\(reply.text)")
            }

            // A project once over exports nothing more.
            harness.clock.advance(seconds: 500 * 86400)
            let late = try await client.token("rita", "password-of-rita")
            #expect(try await kickOff("/fhir/$export?project=asthma", late).text.contains("expired"))
        }
    }

    @Test func aResearcherSeesNoIdentifiedDataAndEachRefusalIsAudited() async throws {
        let harness = try Harness { $0.rules = false }
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.buildStudy(client, admin: world.admin)
            try await client.put(Self.project("asthma", types: ["Patient"], researchers: ["rita"]), id: "asthma", token: world.admin)
            let rita = world["rita"]
            let identified = [
                "/fhir/Patient/s1", "/fhir/Patient?name=Planted-Family", "/fhir/Observation?patient=s1", "/fhir/ResearchStudy/asthma",
                "/fhir/Group/study", "/fhir/Patient/s1/_history", "/api/alerts", "/api/board", "/api/quarantine", "/api/users",
                "/api/cohorts/unvaccinated-high-risk?vaccine=http://hl7.org/fhir/sid/cvx%7C140",
            ]
            for path in identified {
                let reply = try await client.get(path, token: rita)
                #expect(reply.status == .forbidden || reply.status == .notFound, "\(path): \(reply.status)")
                #expect(!reply.text.contains("Planted") && !reply.text.contains("s1\""), "\(path)")
            }
            let refusals = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
                .filter { $0.actor.contains("rita") && $0.outcome == .minorFailure }
            #expect(Set(refusals.map(\.resource)).isSuperset(of: ["/fhir/Patient/s1", "/fhir/ResearchStudy/asthma", "/api/alerts"]), "\(refusals)")
            #expect(refusals.allSatisfy { $0.detail?.hasPrefix("refused: ") == true })
        }
    }
}
