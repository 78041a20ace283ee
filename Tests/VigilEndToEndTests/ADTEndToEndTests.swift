import Foundation
import HL7v2
import NIOHTTP1
import Testing
import VigilCore
import VigilSimulator

/// Admissions, transfers and discharges (HL7 v2 ADT^A01/A02/A03/A08) sent over MLLP by Python's
/// `hl7` package as a hospital's ADT feed would: the Encounter, the bed and the ward's Group
/// follow the patient, and with the Group the ward's care team.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ADTEndToEndTests {
    /// A server taking HL7 from facility WARD3; patient p1 (MRN001); wards 3W and 4E, each a
    /// Group with a care team of one nurse (nina on 3W, nora on 4E).
    static func hospital() async throws -> (ServerProcess, admin: String, nurses: [String: String]) {
        let (server, admin) = try await MLLPEndToEndTests.server()
        var nurses: [String: String] = [:]
        for (name, ward) in [("nina", "3W"), ("nora", "4E")] {
            try await server.put("Practitioner", name, [:], token: admin)
            try await server.put(
                "Group", ward.lowercased(), ["type": "person", "actual": true, "identifier": [["value": .string(ward)]]], token: admin)
            try await server.put(
                "CareTeam", "team-\(ward.lowercased())",
                [
                    "status": "active", "subject": ["reference": .string("Group/\(ward.lowercased())")],
                    "participant": [["member": ["reference": .string("Practitioner/\(name)")]]],
                ], token: admin)
            let password = "password-of-\(name)"
            let user = try await server.request(
                .POST, "/api/users", token: admin,
                json: ["username": .string(name), "password": .string(password), "role": "nurse", "fhirUser": .string("Practitioner/\(name)")])
            #expect(user.status == .created, "\(user.text)")
            nurses[name] = try await server.token(name, password)
        }
        return (server, admin, nurses)
    }

    /// An ADT message for visit `visit` of the patient `patient`, the event `minutesAgo` minutes
    /// ago, the patient in `location` (PV1-3, `WARD^ROOM^BED`) and before it in `prior` (PV1-6).
    static func adt(
        _ event: String, _ control: String, minutesAgo: Int64, patient: String = "MRN001", name: String = "Doe^John", visit: String = "V100",
        location: String, prior: String = "", patientClass: String = "I"
    ) -> String {
        let time = HL7Time.text(milliseconds: (Int64(Date().timeIntervalSince1970) - minutesAgo * 60) * 1000) + "+0000"
        // PV1-2 class, -3 location, -6 prior location, -19 visit number, -44 admitted, -45 discharged.
        var visitFields = Array(repeating: "", count: 46)
        (visitFields[2], visitFields[3], visitFields[6], visitFields[19]) = (patientClass, location, prior, visit)
        (visitFields[44], visitFields[45]) = (event == "A01" ? time : "", event == "A03" ? time : "")
        return """
            MSH|^~\\&|EPIC|WARD3|VIGIL|VIGIL|\(time)||ADT^\(event)^ADT_A01|\(control)|P|2.5.1
            EVN|\(event)|\(time)
            PID|||\(patient)^^^Hospital^MR||\(name)||19610315|M
            PV1\(visitFields.dropFirst().map { "|" + $0 }.joined())
            """
    }

    static func encounter(_ server: ServerProcess, admin: String, visit: String = "V100") async throws -> JSON {
        let search = try await server.request(.GET, "/fhir/Encounter?identifier=\(visit)&_total=accurate", token: admin)
        #expect(search.json?["total"] == 1, "\(search.text)")
        return try #require(search.json?["entry"]?[0]?["resource"])
    }

    /// Who of the two nurses may open the patient's record now.
    static func seenBy(_ server: ServerProcess, nurses: [String: String], patient: String = "p1") async throws -> [String] {
        var seen: [String] = []
        for (name, token) in nurses.sorted(by: { $0.key < $1.key })
        where try await server.request(.GET, "/fhir/Patient/\(patient)", token: token).status == .ok {
            seen.append(name)
        }
        return seen
    }

    @Test func admitTransferAndDischargeMoveThePatientAndTheirCareTeamAndAResendChangesNothing() async throws {
        let (server, admin, nurses) = try await Self.hospital()
        defer { server.stop() }
        #expect(try await Self.seenBy(server, nurses: nurses) == [])

        // Admitted to 3W, room 301, bed A: an Encounter in progress in that bed, the 3W team sees them.
        let admit = Self.adt("A01", "ADM1", minutesAgo: 30, location: "3W^301^A")
        var reply = try await MLLPEndToEndTests.send([admit], port: server.mllpPort)
        #expect(reply.contains("MSA|AA|ADM1"), "\(reply)")
        var encounter = try await Self.encounter(server, admin: admin)
        #expect(encounter["status"] == "in-progress" && encounter["subject"]?["reference"] == "Patient/p1", "\(encounter)")
        #expect(encounter["class"]?["code"] == "IMP")
        let bed = try #require(encounter["location"]?[0]?["location"]?["reference"]?.stringValue)
        let bedResource = try await server.request(.GET, "/fhir/\(bed)", token: admin).json
        #expect(bedResource?["identifier"]?[0]?["value"] == "3W^301^A" && bedResource?["physicalType"]?["coding"]?[0]?["code"] == "bd")
        let ward = try #require(bedResource?["partOf"]?["reference"]?.stringValue)
        #expect(try await server.request(.GET, "/fhir/\(ward)", token: admin).json?["physicalType"]?["coding"]?[0]?["code"] == "wa")
        #expect(try await Self.seenBy(server, nurses: nurses) == ["nina"])

        // Moved to 4E: the 3W bed completed, the 4E bed active; the care passes to the 4E team.
        reply = try await MLLPEndToEndTests.send(
            [Self.adt("A02", "ADM2", minutesAgo: 20, location: "4E^410^B", prior: "3W^301^A")], port: server.mllpPort)
        #expect(reply.contains("MSA|AA|ADM2"), "\(reply)")
        encounter = try await Self.encounter(server, admin: admin)
        let stays = encounter["location"]?.arrayValue ?? []
        #expect(stays.count == 2 && stays[0]["status"] == "completed" && stays[1]["status"] == "active", "\(encounter)")
        #expect(stays.first?["period"]?["end"] != nil && stays.first?["period"]?["end"] == stays.last?["period"]?["start"])
        #expect(try await Self.seenBy(server, nurses: nurses) == ["nora"])
        let group3W = try await server.request(.GET, "/fhir/Group/3w", token: admin).json
        #expect(group3W?["member"]?.arrayValue?.isEmpty ?? true, "\(String(describing: group3W))")

        // The admission resent late (the feed replays it): nothing moves, nothing is written.
        let version = encounter["meta"]?["versionId"]
        reply = try await MLLPEndToEndTests.send([admit], port: server.mllpPort)
        #expect(reply.contains("MSA|AA|ADM1"), "\(reply)")
        #expect(try await Self.encounter(server, admin: admin)["meta"]?["versionId"] == version)
        #expect(try await Self.seenBy(server, nurses: nurses) == ["nora"])

        // Discharged: the Encounter finished, nobody's patient any more.
        let discharge = Self.adt("A03", "ADM3", minutesAgo: 10, location: "4E^410^B")
        reply = try await MLLPEndToEndTests.send([discharge], port: server.mllpPort)
        #expect(reply.contains("MSA|AA|ADM3"), "\(reply)")
        encounter = try await Self.encounter(server, admin: admin)
        #expect(encounter["status"] == "finished" && encounter["period"]?["end"] != nil, "\(encounter)")
        #expect(encounter["location"]?.arrayValue?.allSatisfy { $0["status"] == "completed" } == true)
        #expect(try await Self.seenBy(server, nurses: nurses) == [])
        // What the messages made is valid R4 for fhir.resources.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("adt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: output) }
        for type in ["Encounter", "Location", "Group", "Patient"] {
            let bundle = try await server.request(.GET, "/fhir/\(type)?_count=50", token: admin)
            try bundle.text.write(to: output.appendingPathComponent("\(type).json"), atomically: false, encoding: .utf8)
        }
        let validation = try await Python.run("validate_fhir.py", [output.path])
        #expect(validation.status == 0 && validation.output.contains("4 documents, 0 invalid"), "\(validation.output.suffix(3000))")

        // Both messages again: the same answers, no new version.
        let finished = encounter["meta"]?["versionId"]
        reply = try await MLLPEndToEndTests.send([discharge, Self.adt("A02", "ADM2", minutesAgo: 20, location: "4E^410^B")], port: server.mllpPort)
        #expect(reply.contains("MSA|AA|ADM3") && reply.contains("MSA|AA|ADM2"), "\(reply)")
        #expect(try await Self.encounter(server, admin: admin)["meta"]?["versionId"] == finished)
        #expect(try await Self.seenBy(server, nurses: nurses) == [])
    }

    @Test func anAdmissionOfAPatientNotYetKnownRegistersThemAndA08UpdatesTheirDetails() async throws {
        let (server, admin, nurses) = try await Self.hospital()
        defer { server.stop() }
        let reply = try await MLLPEndToEndTests.send(
            [
                Self.adt("A01", "NEW1", minutesAgo: 30, patient: "MRN777", visit: "V777", location: "3W^302^A"),
                Self.adt("A08", "NEW2", minutesAgo: 20, patient: "MRN777", name: "Roe^Jane^Q", visit: "V777", location: "3W^302^A"),
            ], port: server.mllpPort)
        #expect(reply.contains("MSA|AA|NEW1") && reply.contains("MSA|AA|NEW2"), "\(reply)")
        let patients = try await server.request(.GET, "/fhir/Patient?identifier=MRN777", token: admin)
        let patient = try #require(patients.json?["entry"]?[0]?["resource"], "\(patients.text)")
        #expect(patient["name"]?[0]?["family"] == "Roe" && patient["name"]?[0]?["given"] == ["Jane", "Q"], "\(patient)")
        #expect(patient["birthDate"] == "1961-03-15" && patient["gender"] == "male")
        let id = try #require(patient["id"]?.stringValue)
        #expect(try await Self.seenBy(server, nurses: nurses, patient: id) == ["nina"])
        #expect(try await Self.encounter(server, admin: admin, visit: "V777")["subject"]?["reference"] == .string("Patient/\(id)"))
    }

    @Test func anADTThatCannotBeReadIsAnsweredWithWhatIsWrong() async throws {
        let (server, admin, _) = try await Self.hospital()
        defer { server.stop() }
        let reply = try await MLLPEndToEndTests.send(
            [
                Self.adt("A02", "BAD1", minutesAgo: 5, visit: "", location: "4E^410^B"),
                Self.adt("A01", "BAD2", minutesAgo: 5, location: "3W^301^A", patientClass: "Z"),
                Self.adt("A03", "BAD3", minutesAgo: 5, patient: "MRN404", location: "3W^301^A"),
            ], port: server.mllpPort)
        #expect(reply.contains("MSA|AE|BAD1") && reply.contains("ERR||PV1^^19|101^Required field missing^HL70357|E"), "\(reply)")
        #expect(reply.contains("MSA|AE|BAD2") && reply.contains("ERR||PV1^^2|103^Table value not found^HL70357|E"), "\(reply)")
        #expect(reply.contains("MSA|AE|BAD3") && reply.contains("ERR||PID^^3|204"), "\(reply)")
        let encounters = try await server.request(.GET, "/fhir/Encounter?_count=0", token: admin)
        #expect(encounters.json?["total"] == 0, "nothing half-written: \(encounters.text)")
    }
}
