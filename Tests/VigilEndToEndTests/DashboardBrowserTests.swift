import Foundation
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// The dashboard in a real headless Chromium (Debian `chromium` and `chromium-driver`, driven by
/// Python Selenium): sign in, the board ranked, an alert arriving live without a reload, acknowledged
/// from the inbox, the patient page with a lab result and an imaging study, and another ward's patient
/// refused when the URL is edited.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DashboardBrowserTests {
    @Test func aNurseSignsInSeesHerBoardRankedANewAlertArrivesLiveAndSheAcknowledgesIt() async throws {
        let server = try ServerProcess()
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        func put(_ type: String, _ id: String, _ resource: JSONObject) async throws {
            var body = resource
            (body["resourceType"], body["id"]) = (.string(type), .string(id))
            let reply = try await server.request(.PUT, "/fhir/\(type)/\(id)", token: admin, json: .object(body))
            #expect(reply.status == .created, "\(type)/\(id): \(reply.text)")
        }
        try await put("Practitioner", "n1", ["name": [["family": "Okafor"]]])
        for (id, name) in [("a1", "Ana Rivera"), ("a2", "Wei Chen"), ("b1", "Other Ward")] {
            try await put("Patient", id, ["name": [["text": .string(name)]], "birthDate": "1958-04-12"])
        }
        try await put(
            "Group", "wardA",
            ["type": "person", "actual": true, "member": [["entity": ["reference": "Patient/a1"]], ["entity": ["reference": "Patient/a2"]]]])
        try await put(
            "CareTeam", "tA",
            ["status": "active", "subject": ["reference": "Group/wardA"], "participant": [["member": ["reference": "Practitioner/n1"]]]])
        let since = FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000)
        try await put(
            "Device", "mon-a2",
            [
                "status": "active",
                "patient": [
                    "reference": "Patient/a2", "extension": [["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": .string(since)]],
                ],
            ])
        try await put(
            "DiagnosticReport", "lab-a2",
            ["status": "final", "subject": ["reference": "Patient/a2"], "code": ["text": "Lactate"], "conclusion": "4.1 mmol/L, raised"])
        try await put(
            "ImagingStudy", "xr-a2",
            [
                "status": "available", "subject": ["reference": "Patient/a2"],
                "modality": [["system": "http://dicom.nema.org/resources/ontology/DCM", "code": "CR"]],
                "description": "Chest X-ray", "endpoint": [["reference": "Endpoint/pacs", "display": "PACS"]],
            ])
        let device = try #require(try await server.request(.POST, "/api/devices/mon-a2/credentials", token: admin).json?["token"]?.stringValue)
        let account = try await server.request(
            .POST, "/api/users", token: admin,
            json: ["username": "nina", "password": "password-of-nina", "role": "nurse", "fhirUser": "Practitioner/n1"])
        #expect(account.status == .created)
        let screenshots = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-shots-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)

        let run = try Python.run("dashboard_browser.py", [server.baseURL, "nina", "password-of-nina", device, screenshots])
        let steps = Dictionary(
            run.output.split(separator: "\n").compactMap { try? JSON.parse(String($0)) }.compactMap { step in
                step["step"]?.stringValue.map { ($0, step) }
            },
            uniquingKeysWith: { _, last in last })
        #expect(run.status == 0, "\(run.output)")
        #expect(steps["keyboard"]?["focused"] == "username", "the form starts in the username field; Tab and Enter sign in")
        #expect(steps["signed-in"]?["url"]?.stringValue?.hasSuffix("/board") == true)
        #expect(Set(steps["signed-in"]?["names"]?.arrayValue?.compactMap(\.stringValue) ?? []) == ["Ana Rivera", "Wei Chen"], "only her ward")
        #expect(steps["live"]?["text"] == "Live")
        #expect(steps["ingested"]?["status"] == 200)
        #expect(steps["alert-live"]?["first"] == "Wei Chen", "the patient with the new alert is ranked first")
        #expect(steps["alert-live"]?["badge"]?.stringValue?.contains("High priority") == true)
        #expect(steps["alert-live"]?["reloaded"] == false, "the alert arrived without a reload")
        #expect(steps["disconnected"]?["text"] == "Disconnected: reconnecting…", "the outage is visible")
        #expect(steps["recovered"]?["text"] == "Live" && steps["recovered"]?["reloaded"] == false, "and it recovers by itself")
        #expect(steps["acknowledged"]?["text"]?.stringValue?.contains("acknowledged by nina") == true, "\(run.output)")
        #expect(steps["disconnected"]?["text"] == "Disconnected: reconnecting…", "the outage is visible")
        #expect(steps["recovered"]?["text"] == "Live" && steps["recovered"]?["reloaded"] == false, "and it recovers by itself")
        #expect(steps["acknowledged"]?["buttons"] == 0, "her own acknowledgement is not offered twice")
        #expect(steps["patient"]?["results"]?.stringValue?.contains("Lactate") == true, "\(run.output)")
        #expect(steps["patient"]?["imaging"]?.stringValue?.contains("CR Chest X-ray") == true)
        #expect((steps["patient"]?["charts"]?.int64Value ?? 0) >= 5)
        #expect(steps["other-ward"]?["text"]?.stringValue?.contains("not found") == true, "editing the URL to another ward's patient")
        #expect(steps["phone"]?["overflow"] == false, "readable on a phone-width screen")
        #expect(FileManager.default.fileExists(atPath: screenshots + "/board.png"))
    }
}
