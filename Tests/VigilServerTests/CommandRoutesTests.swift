import Foundation
import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Device commands through the API (docs/commands.md), with no broker: devices fetch their
/// commands over HTTP. Therapy changes wait for a second person; the policy's limits and roles are
/// enforced with their reasons; a command is seen and given only by the patient's care team, and
/// answered only by its own device.
@Suite struct CommandRoutesTests {
    /// An insulin pump and a vital-signs monitor on p1, with their tokens.
    static func devices(_ client: Client, _ world: World, patient: String = "p1") async throws -> [String: String] {
        [
            "pump1": try await client.device(
                "pump1", on: patient, type: ["system": "http://snomed.info/sct", "code": "69805005"], admin: world.admin),
            "mon1": try await client.device(
                "mon1", on: patient, type: ["system": "urn:vigil:device-type", "code": "vital-signs-monitor"], admin: world.admin),
        ]
    }

    static func command(_ client: Client, _ token: String, device: String, _ body: JSON) async throws -> Reply {
        try await client.post("/api/devices/\(device)/commands", token: token, body)
    }

    @Test func aTherapyChangeIsConfirmedBySomeoneElseThenFetchedAnsweredAndAudited() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let devices = try await Self.devices(client, world)
            let asked = try await Self.command(client, world["nina"], device: "pump1", ["command": "suspend-basal", "parameters": ["minutes": 30]])
            #expect(asked.status == .created, "\(asked.text)")
            let id = try #require(asked.json?["id"]?.int64Value)
            #expect(asked.json?["state"] == "proposed" && asked.headers[.location] == "/api/commands/\(id)")
            #expect(asked.json?["patient"] == "Patient/p1" && asked.json?["parameters"]?["minutes"]?.doubleValue == 30)
            // Not yet confirmed: the pump is given nothing.
            await harness.settle()
            #expect(try await client.get("/api/device/commands", token: devices["pump1"]).json?["commands"] == [])
            let own = try await client.post("/api/commands/\(id)/confirm", token: world["nina"], [:])
            #expect(own.status == .forbidden && own.diagnostics.contains("second person"), "\(own.text)")
            let confirmed = try await client.post("/api/commands/\(id)/confirm", token: world["doc"], [:])
            #expect(confirmed.status == .ok && confirmed.json?["state"] == "requested" && confirmed.json?["confirmedBy"] == "user/doc")
            await harness.settle()
            // The pump fetches it (it cannot subscribe): the id, what to do, and the deadline.
            let fetched = try await client.get("/api/device/commands", token: devices["pump1"])
            let message = try #require(fetched.json?["commands"]?[0])
            #expect(message["id"]?.int64Value == id && message["command"] == "suspend-basal" && message["deadline"]?.stringValue != nil)
            #expect(try await client.get("/api/device/commands", token: devices["mon1"]).json?["commands"] == [], "another device's command")
            for status in ["accepted", "completed"] {
                let answer = try await client.post(
                    "/api/device/commands/ack", token: devices["pump1"], ["id": .integer(id), "status": .string(status), "detail": "basal suspended"])
                #expect(answer.status == .ok && answer.json?["state"]?.stringValue == status && answer.json?["recorded"] == true, "\(answer.text)")
            }
            let repeated = try await client.post("/api/device/commands/ack", token: devices["pump1"], ["id": .integer(id), "status": "completed"])
            #expect(repeated.json?["recorded"] == false && repeated.json?["state"] == "completed")
            let shown = try await client.get("/api/commands/\(id)", token: world["doc"]).json
            #expect(
                shown?["history"]?.arrayValue?.compactMap { $0["state"]?.stringValue } == [
                    "proposed", "requested", "delivered", "accepted", "completed",
                ])
            #expect(shown?["history"]?[0]?["by"] == "user/nina" && shown?["history"]?[3]?["by"] == "device/pump1")
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            let steps = audit.filter { $0.resource == "Command/\(id)" }.map { "\($0.actor) \($0.action.rawValue) \($0.detail ?? "")" }
            #expect(
                steps.filter { !$0.hasPrefix("user/doc R") } == [
                    "user/doc U suspend-basal requested", "device/pump1 R suspend-basal delivered", "device/pump1 U suspend-basal accepted",
                    "device/pump1 U suspend-basal completed",
                ], "every step audited, the fetch as the device's read: \(steps)")
            #expect(audit.contains { $0.resource == "Device/pump1/commands" && $0.actor == "user/nina" && $0.patient == "p1" })
            // The patient's page shows it, every step with who took it.
            var browser = DashboardTests.Browser(client: client)
            _ = try await browser.signIn("doc", "password-of-doc")
            let page = try await browser.send(.get, "/patients/p1").text
            #expect(page.contains(#"data-command="\#(id)""#) && page.contains("<strong>suspend-basal</strong> minutes 30"))
            #expect(page.contains("completed by device/pump1: basal suspended") && page.contains("proposed by user/nina"))
        }
    }

    @Test func commandsOutsideThePolicyAreRefusedWithTheReason() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await Self.devices(client, world)
            let high = try await Self.command(client, world["doc"], device: "pump1", ["command": "set-basal-rate", "parameters": ["rate": 8]])
            #expect(high.status == .unprocessableContent && high.isOperationOutcome && high.diagnostics.contains("outside the policy's limits"))
            let nurse = try await Self.command(client, world["nina"], device: "pump1", ["command": "set-basal-rate", "parameters": ["rate": 1]])
            #expect(nurse.status == .forbidden && nurse.diagnostics.contains("may not ask for set-basal-rate"))
            let unknown = try await Self.command(client, world["doc"], device: "pump1", ["command": "bolus", "parameters": ["units": 4]])
            #expect(unknown.status == .unprocessableContent && unknown.diagnostics.contains("takes no bolus"))
            let untyped = try await Self.command(client, world["doc"], device: "d1", ["command": "measure-now"])
            #expect(untyped.status == .unprocessableContent, "a device of no known type: \(untyped.text)")
            let malformed = try await Self.command(
                client, world["doc"], device: "pump1", ["command": "suspend-basal", "parameters": ["minutes": "30"]])
            #expect(malformed.status == .badRequest)
            let notAnObject = try await Self.command(client, world["doc"], device: "pump1", ["command": "suspend-basal", "parameters": [30]])
            #expect(notAnObject.status == .badRequest)
            #expect(try await harness.runtime.store.commands(CommandQuery()).isEmpty, "nothing refused is kept as a command")
        }
    }

    @Test func onlyThePatientsCareTeamSeesAndCommandsItsDevicesAndOnlyTheDeviceAnswers() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let devices = try await Self.devices(client, world)
            let asked = try await Self.command(client, world["nina"], device: "mon1", ["command": "measure-now"])
            #expect(asked.status == .created && asked.json?["state"] == "requested", "no therapy: no confirmation")
            let id = try #require(asked.json?["id"]?.int64Value)
            // Nora nurses another ward: the device and the command do not exist for her.
            #expect(try await Self.command(client, world["nora"], device: "mon1", ["command": "measure-now"]).status == .notFound)
            #expect(try await Self.command(client, world["nina"], device: "nope", ["command": "measure-now"]).status == .notFound)
            #expect(try await client.get("/api/commands/\(id)", token: world["nora"]).status == .notFound)
            #expect(try await client.post("/api/commands/\(id)/cancel", token: world["nora"], ["reason": "x"]).status == .notFound)
            #expect(try await client.get("/api/commands", token: world["nora"]).json?["commands"] == [])
            #expect(try await client.get("/api/commands?device=mon1", token: world["nina"]).json?["commands"]?.arrayValue?.count == 1)
            #expect(try await client.get("/api/commands?patient=Patient/p2", token: world["nina"]).json?["commands"] == [])
            for name in ["rita", "ph"] {
                #expect(try await client.get("/api/commands", token: world[name]).status == .forbidden, "\(name)")
                #expect(try await Self.command(client, world[name], device: "mon1", ["command": "measure-now"]).status == .forbidden, "\(name)")
            }
            let admin = try await Self.command(client, world.admin, device: "mon1", ["command": "measure-now"])
            #expect(admin.status == .forbidden, "administrators keep devices, not patients: \(admin.text)")
            #expect(try await client.get("/api/commands/\(id)", token: world.admin).status == .ok)
            // Devices: only on their own routes, and only about their own commands.
            #expect(try await client.get("/api/commands", token: devices["mon1"]).status == .forbidden)
            #expect(try await client.get("/api/device/commands", token: world["nina"]).status == .forbidden)
            #expect(try await client.get("/api/device/commands", token: nil).status == .unauthorized)
            let other = try await client.post("/api/device/commands/ack", token: devices["pump1"], ["id": .integer(id), "status": "accepted"])
            #expect(other.status == .notFound)
            #expect(
                try await client.post("/api/device/commands/ack", token: devices["mon1"], ["id": .integer(id), "status": "proposed"]).status
                    == .badRequest)
            #expect(try await harness.runtime.store.command(id: id)?.state == .requested)
            // Withdrawn before it went anywhere.
            let cancelled = try await client.post("/api/commands/\(id)/cancel", token: world["nina"], ["reason": "patient in theatre"])
            #expect(cancelled.json?["state"] == "cancelled" && cancelled.json?["reason"] == "patient in theatre")
            #expect(try await client.get("/api/device/commands", token: devices["mon1"]).json?["commands"] == [])
        }
    }

    @Test func aCommandNobodyFetchesExpiresAndIsNeverGivenLate() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let devices = try await Self.devices(client, world)
            let asked = try await Self.command(client, world["nina"], device: "mon1", ["command": "measure-now", "deadlineSeconds": 60])
            let id = try #require(asked.json?["id"]?.int64Value)
            harness.clock.advance(seconds: 61)
            await harness.settle()
            let expired = try await client.get("/api/commands/\(id)", token: world["nina"]).json
            #expect(expired?["state"] == "expired" && expired?["history"]?[1]?["by"] == "vigil")
            #expect(try await client.get("/api/device/commands", token: devices["mon1"]).json?["commands"] == [])
            let late = try await client.post("/api/device/commands/ack", token: devices["mon1"], ["id": .integer(id), "status": "accepted"])
            #expect(late.json?["recorded"] == false && late.json?["state"] == "expired")
        }
    }

    @Test func aLowProposesSuspendingThePumpForAPersonToConfirm() async throws {
        let harness = try Harness(clock: TestClock(FHIRDateTime("2026-03-30T09:30:00Z")!.lowerBound))
        try await harness.run { client in
            let world = try await World.build(client)
            let devices = try await Self.devices(client, world, patient: "c1")
            let cgm = try await client.device("cgm1", on: "c1", admin: world.admin)
            _ = try await client.ingest([client.reading(1, code: "99504-3", value: 60, unit: "mg/dL")], token: cgm)
            await harness.settle()
            await harness.settle()
            let alert = try #require(try await AlertRoutesTests.alerts(client, world.admin, "?kind=glucose-low").first?["id"]?.int64Value)
            let proposed = try await client.get("/api/commands?patient=c1", token: world["sally"]).json?["commands"]?.arrayValue ?? []
            #expect(proposed.count == 1, "one proposal, to the pump and not the monitor: \(proposed)")
            let command = try #require(proposed.first)
            #expect(command["device"] == "Device/pump1" && command["command"] == "suspend-basal" && command["state"] == "proposed")
            #expect(command["proposal"]?.stringValue == "Alert/\(alert)" && command["requestedBy"] == "rule/glucose-low")
            // The next reading keeps the alert open: no second proposal.
            harness.clock.advance(seconds: 300)
            _ = try await client.ingest([client.reading(2, code: "99504-3", value: 58, unit: "mg/dL")], token: cgm)
            await harness.settle()
            #expect(try await harness.runtime.store.commands(CommandQuery(device: "pump1")).count == 1)
            let id = try #require(command["id"]?.int64Value)
            let confirmed = try await client.post("/api/commands/\(id)/confirm", token: try await client.token("sally", "password-of-sally"), [:])
            #expect(confirmed.json?["state"] == "requested" && confirmed.json?["confirmedBy"] == "user/sally", "\(confirmed.text)")
            #expect(try await client.get("/api/device/commands", token: devices["pump1"]).json?["commands"]?[0]?["id"]?.int64Value == id)
        }
    }
}
