import Foundation
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// The dashboard in a real headless Chromium (Debian `chromium` and `chromium-driver`, driven by
/// Python Selenium): sign in, the board ranked (blood pressure as one value, flagged values), an alert
/// arriving live without a reload, acknowledged from the inbox, the patient page with a lab result, an
/// imaging study and charts with their normal bands and current values, another ward's patient a
/// not-found page when the URL is edited; the school view with the child whose glucose is low first;
/// the public-health page with a site's curve and the exposure search's purpose.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DashboardBrowserTests {
    @Test
    func aNurseSignsInSeesHerBoardRankedANewAlertArrivesLiveAndSheAcknowledgesIt() async throws {
        let server = try ServerProcess()
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        func put(_ type: String, _ id: String, _ resource: JSONObject) async throws { try await server.put(type, id, resource, token: admin) }
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
            "Endpoint", "pacs",
            [
                "status": "active", "address": "https://pacs.example/dicom-web", "payloadType": [["text": "DICOM"]],
                "connectionType": ["system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "code": "dicom-wado-rs"],
            ])
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
        defer { try? FileManager.default.removeItem(atPath: screenshots) }
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)

        let run = try await Python.run("dashboard_browser.py", [server.baseURL, "nina", "password-of-nina", device, screenshots])
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
        #expect(steps["other-ward"]?["contentType"] == "text/html" && steps["other-ward"]?["heading"] == "Not found", "a page, not raw JSON")
        // The board: blood pressure as one value, systolic first; flagged values in words and colour.
        let vitals = steps["board-vitals"]?["vitals"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(vitals.contains { $0.hasPrefix("BP 125/81 mmHg") }, "\(vitals)")
        #expect(!vitals.contains { $0.contains("Dia BP") })
        #expect(vitals.contains { $0.hasPrefix("RR 25 /min high 3") }, "\(vitals)")
        let flags = steps["board-vitals"]?["flags"]?.arrayValue ?? []
        #expect(flags.contains { $0[0] == "high 3" && $0[1] == "rgba(176, 0, 32, 1)" }, "a red score on red: \(flags)")
        #expect(steps["board-vitals"]?["updated"]?.stringValue?.firstMatch(of: #/Updated \d\d:\d\d:\d\d /#) != nil, "local time, not an ISO instant")
        // The charts: the normal range shaded behind the line, and the current value labelled.
        let heart = try #require(steps["charts"]?["heart"], "\(run.output)")
        #expect(heart["band"] == "Normal range 51–90 /min")
        #expect((heart["bandHeight"]?.doubleValue ?? 0) > 5, "the band is drawn")
        #expect(heart["current"] == "115")
        #expect(steps["charts"]?["breathing"]?["band"] == "Normal range 12–20 /min")
        #expect(steps["charts"]?["breathing"]?["current"] == "25")
        #expect(steps["phone"]?["overflow"] == false, "readable on a phone-width screen")
        // The patient page too: one chart a row, each within the screen.
        let width = try #require(steps["phone"]?["width"]?.doubleValue)
        let charts = steps["phone"]?["chartWidths"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(steps["phone"]?["patientOverflow"] == false && !charts.isEmpty, "\(run.output)")
        #expect(charts.allSatisfy { $0 > width * 0.8 && $0 <= width }, "\(charts) on \(width)")
        #expect(FileManager.default.fileExists(atPath: screenshots + "/board.png"))
    }

    /// The school nurse's view in Chromium: the child whose glucose is low comes first, under
    /// *Needs attention*, before a classmate first by name who is in range.
    @Test func theSchoolViewListsTheChildWithALowFirst() async throws {
        let server = try ServerProcess()
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        try await server.put("Practitioner", "sn1", ["name": [["text": "Sally Brooks"]]], token: admin)
        let since = FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000)
        var tokens: [String: String] = [:]
        for (id, name) in [("k1", "Aaron Able"), ("k2", "Mia Jensen")] {
            try await server.put("Patient", id, ["name": [["text": .string(name)]], "birthDate": "2016-05-01"], token: admin)
            try await server.put(
                "CareTeam", "team-\(id)",
                [
                    "status": "active", "subject": ["reference": .string("Patient/\(id)")],
                    "participant": [["member": ["reference": "Practitioner/sn1"]]],
                ], token: admin)
            try await server.put(
                "Device", "cgm-\(id)",
                [
                    "status": "active",
                    "patient": [
                        "reference": .string("Patient/\(id)"),
                        "extension": [["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": .string(since)]],
                    ],
                ], token: admin)
            tokens[id] = try #require(try await server.request(.POST, "/api/devices/cgm-\(id)/credentials", token: admin).json?["token"]?.stringValue)
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for (id, value) in [("k1", 120.0), ("k2", 52.0)] {
            let reading: JSON = [
                "seq": 1, "time": .string(FHIRDateTime.instant(milliseconds: now - 60_000)), "code": "99504-3", "value": .double(value),
                "unit": "mg/dL",
            ]
            let reply = try await server.request(.POST, "/api/ingest", token: tokens[id], json: ["readings": [reading]])
            #expect(reply.status == .ok, "\(reply.text)")
        }
        let account = try await server.request(
            .POST, "/api/users", token: admin,
            json: ["username": "sally", "password": "password-of-sally", "role": "school-nurse", "fhirUser": "Practitioner/sn1"])
        #expect(account.status == .created)

        let run = try await Python.run("dashboard_school.py", [server.baseURL, "sally", "password-of-sally"])
        #expect(run.status == 0, "\(run.output)")
        let page = try #require(run.output.split(separator: "\n").compactMap { try? JSON.parse(String($0)) }.last, "\(run.output)")
        #expect(page["urgent"] == ["Mia Jensen"], "\(run.output)")
        #expect(page["well"] == ["Aaron Able"])
        #expect(page["headings"] == ["Needs attention (1)", "All well (1)"])
        #expect(page["first"]?.stringValue?.contains("Glucose 52 mg/dL") == true && page["first"]?.stringValue?.contains("low") == true)
        #expect(page["outline"] == "rgba(176, 0, 32, 1)", "set apart in red")
    }

    /// The public-health page in Chromium: an officer's home, with a screening site's figures for
    /// today and its epidemic curve drawn; the exposure search is not sent without its purpose, and
    /// with one it answers on the page.
    @Test func publicHealthSeesTheSitesAndTheExposureSearchNeedsItsPurpose() async throws {
        let server = try ServerProcess()
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        let cutOff: JSON = ["value": .double(37.5), "unit": "°C", "system": "http://unitsofmeasure.org", "code": "Cel"]
        let extensions: JSON = [["url": .string(ScreeningSite.cutOffExtension), "valueQuantity": cutOff]]
        try await server.put("Location", "gate-a", ["name": "Airport gate A", "status": "active", "extension": extensions], token: admin)
        try await server.put("Device", "kiosk1", ["status": "active", "location": ["reference": "Location/gate-a"]], token: admin)
        try await server.put("Patient", "case1", ["birthDate": "1990-01-01"], token: admin)
        let kiosk = try #require(try await server.request(.POST, "/api/devices/kiosk1/credentials", token: admin).json?["token"]?.stringValue)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // 40 travellers over the last 40 seconds (all today, UTC, unless the day has just begun), 10 febrile.
        let travellers: [JSON] = (0..<40).map { index in
            let time = FHIRDateTime.instant(milliseconds: now - Int64(index + 1) * 1000)
            let value = index < 10 ? 38.3 : 36.7
            return ["seq": .integer(index + 1), "time": .string(time), "code": "8310-5", "value": .double(value), "unit": "Cel"]
        }
        let screened = try await server.request(.POST, "/api/ingest", token: kiosk, json: ["readings": .array(travellers)])
        #expect(screened.status == .ok && screened.json?["accepted"] == 40, "\(screened.text)")
        let account = try await server.request(
            .POST, "/api/users", token: admin, json: ["username": "phoebe", "password": "password-of-phoebe", "role": "public-health"])
        #expect(account.status == .created, "\(account.text)")

        let today = String(FHIRDateTime.instant(milliseconds: now).prefix(10))
        let run = try await Python.run("dashboard_public_health.py", [server.baseURL, "phoebe", "password-of-phoebe", "Patient/case1", today])
        #expect(run.status == 0, "\(run.output)")
        let page = try #require(run.output.split(separator: "\n").compactMap { try? JSON.parse(String($0)) }.last, "\(run.output)")
        // The page stays put: nothing reloads it under the officer's hands (it has no live stream).
        #expect(page["live"] == 0)
        let site = try #require(page["sites"]?[0], "\(run.output)")
        #expect(site["name"] == "Airport gate A")
        #expect(site["today"]?.stringValue?.hasPrefix("Today: 40 screened, 10 febrile (25.0 %)") == true, "\(run.output)")
        #expect((site["curve"]?[0]?.doubleValue ?? 0) > 100 && (site["curve"]?[1]?.doubleValue ?? 0) > 50, "the curve is drawn: \(run.output)")
        #expect((site["bars"]?.doubleValue ?? 0) >= 1)
        #expect(page["withoutPurpose"]?["url"]?.stringValue == server.baseURL + "/public-health", "not sent: \(run.output)")
        #expect(page["withoutPurpose"]?["missing"] == true)
        #expect(
            page["withPurpose"]?["headings"] == ["Contacts of Patient/case1", "Where the case was", "Other cases who were there"], "\(run.output)")
        #expect(page["withPurpose"]?["empty"]?[0] == "Nobody was near long enough.")
    }
}
