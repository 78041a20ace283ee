import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing
import VigilCore
import VigilTestFixtures

@testable import VigilServer

@Suite struct IngestTests {
    @Test func storesReadingsOnceAndAnswersWithCounts() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let device = world.devices["d1"]!
            let first = try await client.ingest(
                [
                    client.reading(1, boot: "b1"), client.reading(2, secondsAgo: 60, boot: "b1"),
                    client.reading(3, code: "59408-5", value: 97, unit: "%"),
                ], token: device)
            #expect(first.status == .ok)
            #expect(first.json == ["accepted": 3, "duplicates": 0, "rejected": []])
            let resend = try await client.ingest([client.reading(2, secondsAgo: 60, boot: "b1"), client.reading(4)], token: device)
            #expect(resend.json == ["accepted": 1, "duplicates": 1, "rejected": []])
            let search = try await client.get("/fhir/Observation?patient=p1&code=http://loinc.org%7C8867-4&_count=10", token: world.admin)
            let entries = search.json?["entry"]?.arrayValue ?? []
            #expect(entries.count == 3)
            let newest = try #require(entries.first?["resource"])
            #expect(newest["identifier"]?[0]?["system"]?.stringValue == ProducerKey.system)
            #expect(newest["subject"]?["reference"] == "Patient/p1")
            #expect(newest["device"]?["reference"] == "Device/d1")
            #expect(newest["issued"]?.stringValue == client.clock.instant)
            let identifiers = Set(entries.compactMap { $0["resource"]?["identifier"]?[0]?["value"]?.stringValue })
            #expect(identifiers == ["d1/b1/1", "d1/b1/2", "d1/0/4"])
        }
    }

    /// A device's patient links are kept between requests (``DeviceDirectory``) and read again
    /// once a commit writes the Device.
    @Test func aDeviceMovedWhileSendingWritesIntoItsNewPatientFromTheNextReading() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let device = world.devices["d1"]!
            #expect(try await client.ingest([client.reading(1)], token: device).json?["accepted"] == 1)
            client.clock.advance(seconds: 1)
            try await client.put(
                ["resourceType": "Device", "status": "active", "patient": ["reference": "Patient/p2"]], id: "d1", token: world.admin)
            client.clock.advance(seconds: 1)
            #expect(try await client.ingest([client.reading(2)], token: device).json?["accepted"] == 1)
            let stored = try await client.get("/fhir/Observation?device=Device/d1&_sort=_id", token: world.admin).json?["entry"]?.arrayValue ?? []
            #expect(stored.map { $0["resource"]?["subject"]?["reference"]?.stringValue } == ["Patient/p1", "Patient/p2"])
        }
    }

    @Test func aMovedDeviceWritesIntoItsPreviousPatientOnlyWhatItTookThereAndOnlyForAWhile() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let device = world.devices["d1"]!
            try await client.put(
                ["resourceType": "Device", "status": "active", "patient": ["reference": "Patient/p2"]], id: "d1", token: world.admin)
            client.clock.advance(seconds: 60)
            // What it took on p1 before the move, uploaded soon after: p1's; what it takes now: p2's.
            let soon = try await client.ingest([client.reading(1, secondsAgo: 3600), client.reading(2)], token: device)
            #expect(soon.json?["accepted"] == 2, "\(soon.text)")
            func count(_ patient: String) async throws -> Int? {
                let admin = try await client.adminToken()
                return try await client.get("/fhir/Observation?patient=\(patient)&device=Device/d1", token: admin).json?["entry"]?.arrayValue?.count
            }
            #expect(try await count("p1") == 1)
            #expect(try await count("p2") == 1)
            // Past the window, a reading dated to its time on p1 is refused with the reason.
            client.clock.advance(seconds: IngestLimits().lateUploadWindow / 1000)
            let late = try await client.ingest([client.reading(3, secondsAgo: IngestLimits().lateUploadWindow / 1000 + 3600)], token: device)
            #expect(late.json?["accepted"] == 0)
            #expect(late.json?["rejected"]?[0]?["reason"]?.stringValue?.contains("moved off Patient/p1") == true, "\(late.text)")
            #expect(try await count("p1") == 1)
        }
    }

    @Test func rejectsBadReadingsWithIndexSeqAndReasonAndQuarantinesThem() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let reply = try await client.ingest(
                [
                    client.reading(1), client.reading(2, value: 900), client.reading(3, unit: "bpm"),
                    ["seq": 4, "time": "nope", "code": "8867-4", "value": 1, "unit": "/min"],
                    client.reading(5, secondsAgo: 40 * 86_400),
                ], token: world.devices["d1"]!)
            #expect(reply.status == .ok)
            #expect(reply.json?["accepted"] == 1)
            let rejected = reply.json?["rejected"]?.arrayValue ?? []
            #expect(rejected.compactMap { $0["index"]?.int64Value } == [1, 2, 3, 4])
            #expect(rejected.compactMap { $0["seq"]?.int64Value } == [2, 3, 4, 5])
            #expect(rejected[3]["reason"]?.stringValue?.contains("was not on any patient") == true)
            let quarantine = try await client.get("/api/quarantine?device=d1", token: world.admin)
            #expect(quarantine.json?["quarantine"]?.arrayValue?.count == 4)
            #expect(quarantine.json?["quarantine"]?[3]?["payload"]?["value"] == 900)
            #expect(try await client.get("/api/quarantine", token: world["nina"]).status == .forbidden)
            let again = try await client.ingest([client.reading(2, value: 900)], token: world.devices["d1"]!)
            #expect(again.json?["rejected"]?.arrayValue?.count == 1)
            #expect(try await client.get("/api/quarantine?device=d1", token: world.admin).json?["quarantine"]?.arrayValue?.count == 4)
        }
    }

    /// A reading dated beyond the clock tolerance is not stored as current: it waits in
    /// quarantine with its reason and the device gets a clock-skew alert.
    @Test func readingsFromBeyondTheClockToleranceAreQuarantinedWithAClockSkewAlert() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let reply = try await client.ingest([client.reading(1, secondsAgo: -3600), client.reading(2)], token: world.devices["d1"]!)
            #expect(reply.json?["accepted"] == 1, "\(reply.text)")
            #expect(reply.json?["rejected"]?[0]?["seq"] == 1)
            #expect(reply.json?["rejected"]?[0]?["reason"]?.stringValue?.contains("ahead of the server's clock") == true)
            #expect(try await client.get("/fhir/Observation?device=Device/d1", token: world.admin).json?["entry"]?.arrayValue?.count == 1)
            let quarantined = try await client.get("/api/quarantine?device=d1", token: world.admin).json?["quarantine"]?.arrayValue ?? []
            #expect(quarantined.count == 1)
            await harness.settle()
            let alerts = try await client.get("/api/alerts?kind=clock-skew", token: world.admin).json?["alerts"]?.arrayValue ?? []
            #expect(alerts.count == 1 && alerts.first?["condition"] == "clock-skew:d1", "\(alerts)")
        }
    }

    @Test func aReadingBelongsToThePatientTheDeviceWasOnAtItsTime() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let device = world.devices["d1"]!
            #expect(try await client.ingest([client.reading(1, secondsAgo: 10)], token: device).json?["accepted"] == 1)
            client.clock.advance(seconds: 60)
            try await client.put(
                ["resourceType": "Device", "status": "active", "patient": ["reference": "Patient/p2"]], id: "d1", token: world.admin)
            let mixed = try await client.ingest([client.reading(2, secondsAgo: 30), client.reading(3)], token: device)
            #expect(mixed.json?["accepted"] == 2)
            #expect(try await client.get("/fhir/Observation?patient=p1&device=Device/d1", token: world.admin).json?["entry"]?.arrayValue?.count == 2)
            #expect(try await client.get("/fhir/Observation?patient=p2&device=Device/d1", token: world.admin).json?["entry"]?.arrayValue?.count == 1)
        }
    }

    @Test func bodiesOfTheWrongShapeAreRefusedWhole() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let device = world.devices["d1"]!
            let notJSON = try await client.request(
                .post, "/api/ingest", token: device, body: "readings=1", headers: [.contentType: "application/json"])
            #expect(notJSON.status == .badRequest && notJSON.isOperationOutcome)
            #expect(try await client.request(.post, "/api/ingest", token: device, json: ["readings": 1]).status == .badRequest)
            #expect(try await client.request(.post, "/api/ingest", token: device, json: [["seq": 1]]).status == .badRequest)
            #expect(
                try await client.request(.post, "/api/ingest", token: device, body: "x", headers: [.contentType: "text/plain"]).status
                    == .unsupportedMediaType)
            #expect(try await client.request(.post, "/api/ingest", token: device).status == .badRequest)
        }
    }

    @Test func limitsAnswer413() async throws {
        let harness = try Harness {
            $0.ingestLimits.maxReadings = 3
            $0.ingestLimits.maxBodyBytes = 2000
            $0.ingestLimits.maxDepth = 4
        }
        try await harness.run { client in
            let world = try await World.build(client)
            let device = world.devices["d1"]!
            let tooMany = try await client.ingest((1...4).map { client.reading($0) }, token: device)
            #expect(tooMany.status == .contentTooLarge && tooMany.diagnostics.contains("limit is 3"))
            let tooBig = try await client.request(
                .post, "/api/ingest", token: device, body: "{\"readings\":[" + String(repeating: " ", count: 3000) + "]}",
                headers: [.contentType: "application/json"])
            #expect(tooBig.status == .contentTooLarge)
            let tooDeep = try await client.request(
                .post, "/api/ingest", token: device, body: #"{"readings":[{"seq":[[[1]]]}]}"#, headers: [.contentType: "application/json"])
            #expect(tooDeep.status == .contentTooLarge && tooDeep.isOperationOutcome)
        }
    }

    @Test func onlyDevicesIngestAndARevokedOneIsRefusedAtOnce() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            #expect(try await client.ingest([client.reading(1)], token: world["nina"]).status == .forbidden)
            #expect(try await client.ingest([client.reading(1)], token: world.admin).status == .forbidden)
            #expect(try await client.ingest([client.reading(1)], token: nil).status == .unauthorized)
            let device = world.devices["d2"]!
            #expect(try await client.ingest([client.reading(1)], token: device).status == .ok)
            let revoked = try await client.request(.delete, "/api/devices/d2/credentials", token: world.admin)
            #expect(revoked.json?["revoked"] == 1)
            #expect(try await client.ingest([client.reading(2)], token: device).status == .unauthorized)
            let fresh = try await client.deviceToken("d2", admin: world.admin)
            #expect(try await client.ingest([client.reading(2)], token: fresh).status == .ok)
            #expect(try await client.request(.post, "/api/devices/nope/credentials", token: world.admin).status == .notFound)
            #expect(try await client.request(.post, "/api/devices/d2/credentials", token: world["nina"]).status == .forbidden)
        }
    }

    @Test func oneCredentialCanBeRevokedAlone() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Device", "status": "active"], id: "d9", token: admin)
            let first = try await client.request(.post, "/api/devices/d9/credentials", token: admin)
            let second = try await client.deviceToken("d9", admin: admin)
            let id = try #require(first.json?["id"]?.int64Value)
            #expect(first.headers[.cacheControl] == "no-store")
            #expect(try await client.request(.delete, "/api/devices/d9/credentials/\(id)", token: admin).json?["revoked"] == 1)
            #expect(try await client.ingest([], token: first.json?["token"]?.stringValue).status == .unauthorized)
            #expect(try await client.ingest([], token: second).status == .ok)
        }
    }

    @Test func devicesMayPostOneObservationThroughFHIR() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let device = world.devices["d1"]!
            let observation: JSON = [
                "resourceType": "Observation", "status": "final",
                "identifier": [["system": .string(ProducerKey.system), "value": "d1/fhir/1"]],
                "code": ["coding": [["system": "http://loinc.org", "code": "8310-5"]]],
                "subject": ["reference": "Patient/p1"], "effectiveDateTime": .string(client.clock.instant),
                "valueQuantity": ["value": .number("37.2"), "unit": "Cel", "system": "http://unitsofmeasure.org", "code": "Cel"],
            ]
            let created = try await client.post("/fhir/Observation", token: device, observation)
            #expect(created.status == .created)
            #expect(created.json?["valueQuantity"]?["value"]?.doubleValue == 37.2)
            #expect(created.headers[.location]?.contains("/fhir/Observation/") == true)
            let resent = try await client.post("/fhir/Observation", token: device, observation)
            #expect(resent.status == .ok && resent.json?["id"] == created.json?["id"])
            var wrongPatient = observation.objectValue!
            wrongPatient["identifier"] = [["system": .string(ProducerKey.system), "value": "d1/fhir/2"]]
            wrongPatient["subject"] = ["reference": "Patient/p2"]
            #expect(try await client.post("/fhir/Observation", token: device, .object(wrongPatient)).status == .unprocessableContent)
            var otherDevice = observation.objectValue!
            otherDevice["identifier"] = [["system": .string(ProducerKey.system), "value": "d2/fhir/1"]]
            #expect(try await client.post("/fhir/Observation", token: device, .object(otherDevice)).status == .unprocessableContent)
            var noKey = observation.objectValue!
            noKey["identifier"] = nil
            #expect(try await client.post("/fhir/Observation", token: device, .object(noKey)).status == .unprocessableContent)
            var note = observation.objectValue!
            note["note"] = [["text": "hello"]]
            #expect(try await client.post("/fhir/Observation", token: device, .object(note)).status == .unprocessableContent)
            #expect(try await client.post("/fhir/Patient", token: device, ["resourceType": "Patient"]).status == .forbidden)
            #expect(try await client.get("/fhir/Patient/p1", token: device).status == .forbidden)
            let quarantine = try await client.get("/api/quarantine?device=d1", token: world.admin)
            #expect(quarantine.json?["quarantine"]?.arrayValue?.allSatisfy { $0["source"] == "fhir" } == true)
            #expect(quarantine.json?["quarantine"]?.arrayValue?.count == 4)
        }
    }
}

@Suite struct IngestBackPressureTests {
    @Test func aFullWriteQueueAnswers503WithRetryAfterOverHTTP() async throws {
        let store = try GatedStore()
        var configuration = VigilConfiguration()
        let scratch = TemporaryDirectory("vigil-test")
        defer { withExtendedLifetime(scratch) {} }
        configuration.dataDirectory = scratch.path
        configuration.bcryptCost = 4
        configuration.adminPassword = Secret(Harness.adminPassword)
        configuration.queueCapacity = 10
        try FileManager.default.createDirectory(atPath: configuration.keyDirectory, withIntermediateDirectories: true)
        let runtime = VigilRuntime(
            configuration: configuration, store: store, clock: TestClock(), tokenKey: Array(repeating: 1, count: 32),
            auditKey: Array(repeating: 2, count: 32), logger: Logger(label: "test"))
        _ = try await AdminBootstrap.run(runtime: runtime)
        try await VigilApplication.build(runtime: runtime).test(.router) { testClient in
            let client = Client(client: testClient, clock: TestClock())
            store.open()
            let world = try await World.build(client)
            let device = world.devices["d1"]!
            store.close()
            try await withThrowingTaskGroup(of: Reply.self) { group in
                let started = store.commitsStarted
                group.addTask { try await client.ingest((1...5).map { client.reading($0) }, token: device) }
                while store.commitsStarted == started { await Task.yield() }
                group.addTask { try await client.ingest((6...10).map { client.reading($0) }, token: device) }
                while runtime.writer.depth < 5 { await Task.yield() }
                let refused = try await client.ingest((11...18).map { client.reading($0) }, token: device)
                #expect(refused.status == .serviceUnavailable && refused.isOperationOutcome)
                #expect(refused.headers[.retryAfter] == "1")
                store.open()
                for try await reply in group { #expect(reply.status == .ok && reply.json?["accepted"] == 5) }
            }
        }
    }
}
