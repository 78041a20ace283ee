import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Every role against a patient it may and may not see, through read, search, create, update,
/// transaction and ingest; what one may not see answers like what does not exist.
@Suite struct AccessMatrixTests {
    /// (user, a patient they care for, a patient they do not).
    static let careRoles: [(String, String, String)] = [
        ("nina", "p1", "p2"), ("nora", "p2", "p1"), ("doc", "p1", "c1"), ("sally", "c1", "p1"), ("pat", "c1", "p2"),
    ]

    static func condition(_ patient: String) -> JSON {
        ["resourceType": "Condition", "subject": ["reference": .string("Patient/\(patient)")], "code": ["text": "asthma"]]
    }

    /// The answer for `id`, with the id blanked out, to compare "hidden" with "missing".
    static func shape(_ reply: Reply, _ id: String) -> String {
        "\(reply.status.code) " + reply.text.split(separator: id, omittingEmptySubsequences: false).joined(separator: "ID")
    }

    @Test(arguments: careRoles)
    func careRolesReachOnlyTheirPatients(_ user: String, _ mine: String, _ other: String) async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let token = world[user]
            // read
            #expect(try await client.get("/fhir/Patient/\(mine)", token: token).status == .ok)
            let hidden = try await client.get("/fhir/Patient/\(other)", token: token)
            let missing = try await client.get("/fhir/Patient/nobody", token: token)
            #expect(hidden.status == .notFound)
            #expect(Self.shape(hidden, other) == Self.shape(missing, "nobody"))
            // search
            let patients = try await client.get("/fhir/Patient", token: token)
            #expect(patients.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } == [mine])
            let otherSearch = try await client.get("/fhir/Condition?patient=\(other)", token: token)
            let missingSearch = try await client.get("/fhir/Condition?patient=nobody", token: token)
            #expect(otherSearch.status == .ok && otherSearch.json?["entry"] == nil && missingSearch.json?["entry"] == nil)
            // create
            #expect(try await client.post("/fhir/Condition", token: token, Self.condition(mine)).status == .created)
            let hiddenCreate = try await client.post("/fhir/Condition", token: token, Self.condition(other))
            let missingCreate = try await client.post("/fhir/Condition", token: token, Self.condition("nobody"))
            #expect(hiddenCreate.status == .unprocessableContent)
            #expect(Self.shape(hiddenCreate, other) == Self.shape(missingCreate, "nobody"))
            // update
            #expect(
                try await client.put("/fhir/Patient/\(mine)", token: token, ["resourceType": "Patient", "id": .string(mine), "gender": "other"])
                    .status == .ok)
            let hiddenUpdate = try await client.put("/fhir/Patient/\(other)", token: token, ["resourceType": "Patient", "id": .string(other)])
            let missingUpdate = try await client.put("/fhir/Patient/nobody", token: token, ["resourceType": "Patient", "id": "nobody"])
            #expect(Self.shape(hiddenUpdate, other) == Self.shape(missingUpdate, "nobody"))
            #expect(hiddenUpdate.status == .notFound)
            // transaction
            let mineBundle: JSON = [
                "resourceType": "Bundle", "type": "transaction",
                "entry": [["resource": Self.condition(mine), "request": ["method": "POST", "url": "Condition"]]],
            ]
            let otherBundle: JSON = [
                "resourceType": "Bundle", "type": "transaction",
                "entry": [["resource": Self.condition(other), "request": ["method": "POST", "url": "Condition"]]],
            ]
            #expect(try await client.post("/fhir", token: token, mineBundle).status == .ok)
            #expect(try await client.post("/fhir", token: token, otherBundle).status == .unprocessableContent)
            // what care roles may never do: create patients or teams (which would open patients to them), ingest
            #expect(try await client.post("/fhir/Patient", token: token, ["resourceType": "Patient"]).status == .forbidden)
            let selfGrant: JSON = [
                "resourceType": "CareTeam", "status": "active", "subject": ["reference": .string("Patient/\(other)")],
                "participant": [["member": ["reference": "Practitioner/n1"]]],
            ]
            #expect(try await client.post("/fhir/CareTeam", token: token, selfGrant).status == .forbidden)
            #expect(try await client.ingest([client.reading(1)], token: token).status == .forbidden)
            // the directory is open
            #expect(try await client.get("/fhir/Practitioner/n1", token: token).status == .ok)
        }
    }

    @Test func wardStaffSeeTheirWardsTeamsGroupsAndDevices() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            for (path, nina, nora) in [
                ("Group/wardA", 200, 404), ("CareTeam/tA", 200, 404), ("Device/d1", 200, 404), ("Device/d2", 404, 200), ("Group/wardB", 404, 200),
            ] {
                #expect(Int(try await client.get("/fhir/\(path)", token: world["nina"]).status.code) == nina, "nina \(path)")
                #expect(Int(try await client.get("/fhir/\(path)", token: world["nora"]).status.code) == nora, "nora \(path)")
            }
            _ = try await client.ingest([client.reading(1)], token: world.devices["d1"]!)
            #expect(try await client.get("/fhir/Observation", token: world["nina"]).json?["entry"]?.arrayValue?.count == 1)
            #expect(try await client.get("/fhir/Observation", token: world["nora"]).json?["entry"] == nil)
            #expect(try await client.get("/fhir/RelatedPerson/parent1", token: world["pat"]).status == .ok)
        }
    }

    @Test func aMovedDevicesEarlierVersionsStayWithTheWardItWasOn() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            try await client.put(
                ["resourceType": "Device", "status": "active", "patient": ["reference": "Patient/p2"]], id: "d1", token: world.admin)
            #expect(try await client.get("/fhir/Device/d1/_history/2", token: world["nora"]).status == .ok)
            let earlier = try await client.get("/fhir/Device/d1/_history/1", token: world["nora"])
            let missing = try await client.get("/fhir/Device/d1/_history/9", token: world["nora"])
            #expect(earlier.status == .notFound, "version 1 shows Patient/p1 to ward B: \(earlier.text)")
            #expect(earlier.text.replacingOccurrences(of: "/1 ", with: "/9 ") == missing.text, "not allowed reads as does not exist")
            #expect(try await client.get("/fhir/Device/d1/_history/1", token: world.admin).status == .ok)
        }
    }

    @Test func aTeamMembershipThatEndsClosesAccess() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            #expect(try await client.get("/fhir/Patient/p2", token: world["nora"]).status == .ok)
            try await client.put(
                [
                    "resourceType": "CareTeam", "status": "active", "subject": ["reference": "Group/wardB"],
                    "participant": [
                        ["member": ["reference": "Practitioner/n2"], "period": ["end": .string(client.clock.instant)]]
                    ],
                ], id: "tB", token: world.admin)
            client.clock.advance(seconds: 1)
            #expect(try await client.get("/fhir/Patient/p2", token: world["nora"]).status == .notFound)
        }
    }

    @Test func takingSomeoneOffATeamClosesAccessAtOnce() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            #expect(try await client.get("/fhir/Patient/p2", token: world["nora"]).status == .ok)
            try await client.put(
                [
                    "resourceType": "CareTeam", "status": "active", "subject": ["reference": "Group/wardB"],
                    "participant": [["member": ["reference": "Practitioner/n1"]]],
                ], id: "tB", token: world.admin)
            #expect(try await client.get("/fhir/Patient/p2", token: world["nora"]).status == .notFound)
        }
    }

    @Test func aMembershipPeriodThatRunsOutClosesAccessWithoutAnyWrite() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let end = FHIRDateTime.instant(milliseconds: client.clock.now() + 500)
            try await client.put(
                [
                    "resourceType": "CareTeam", "status": "active", "subject": ["reference": "Group/wardB"],
                    "participant": [["member": ["reference": "Practitioner/n2"], "period": ["end": .string(end)]]],
                ], id: "tB", token: world.admin)
            #expect(try await client.get("/fhir/Patient/p2", token: world["nora"]).status == .ok)
            client.clock.advance(seconds: 2)
            #expect(try await client.get("/fhir/Patient/p2", token: world["nora"]).status == .notFound)
        }
    }

    @Test(arguments: ["ph", "rita"])
    func publicHealthAndResearchersReadNoIdentifiedData(_ user: String) async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let token = world[user]
            for path in ["/fhir/Patient/p1", "/fhir/Patient", "/fhir/Observation?patient=p1", "/fhir/Practitioner"] {
                let reply = try await client.get(path, token: token)
                #expect(reply.status == .forbidden && reply.isOperationOutcome, "\(user) \(path)")
            }
            #expect(try await client.post("/fhir/Condition", token: token, Self.condition("p1")).status == .forbidden)
            #expect(
                try await client.post(
                    "/fhir", token: token,
                    [
                        "resourceType": "Bundle", "type": "transaction",
                        "entry": [
                            ["resource": Self.condition("p1"), "request": ["method": "POST", "url": "Condition"]]
                        ],
                    ]
                ).status == .forbidden)
            #expect(try await client.ingest([client.reading(1)], token: token).status == .forbidden)
        }
    }

    @Test func adminsSeeEveryone() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            #expect(try await client.get("/fhir/Patient", token: world.admin).json?["entry"]?.arrayValue?.count == 3)
            for id in ["p1", "p2", "c1"] { #expect(try await client.get("/fhir/Patient/\(id)", token: world.admin).status == .ok) }
        }
    }

    @Test func aDeviceWritesOnlyItsOwnReadingsToItsOwnPatient() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            #expect(try await client.ingest([client.reading(1)], token: world.devices["d2"]!).json?["accepted"] == 1)
            let search = try await client.get("/fhir/Observation?device=Device/d2", token: world.admin)
            #expect(search.json?["entry"]?[0]?["resource"]?["subject"]?["reference"] == "Patient/p2")
            #expect(try await client.get("/fhir/Observation?device=Device/d2", token: world.devices["d2"]!).status == .forbidden)
        }
    }
}
