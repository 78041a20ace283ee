import Foundation
import HL7v2
import Testing
import VigilCore

@testable import VigilSimulator

/// The built-in scenarios load, register what they need, and tell the stories they promise.
struct ScenarioTests {
    @Test func everyBuiltInScenarioLoadsAndHasADescription() throws {
        #expect(
            Scenario.builtIn == ["airport-screening", "home-elderly", "icu-hl7", "school-asthma", "school-diabetes", "ward-sepsis"])
        for name in Scenario.builtIn {
            let scenario = try Scenario.load(name)
            #expect(scenario.name == name)
            #expect(scenario.description.count > 80)
        }
    }

    @Test func aBrokenScenarioFileSaysWhereItIsBroken() throws {
        let text =
            #"{"name":"x","description":"d","patients":[{"id":"p","given":"A","family":"B","ageYears":3,"gender":"male","devices":[{"id":"d","kind":"toaster"}]}]}"#
        #expect {
            try Scenario.decode(Data(text.utf8), from: "mine.json")
        } throws: { error in
            "\(error)".contains("mine.json") && "\(error)".contains("patients[0].devices[0].kind")
        }
        let vital =
            #"{"name":"x","description":"d","patients":[{"id":"p","given":"A","family":"B","ageYears":3,"gender":"male","devices":[],"course":[{"hour":1,"pulse":3}]}]}"#
        #expect(throws: VigilError.self) { try Scenario.decode(Data(vital.utf8), from: "v.json") }
        // A CGM cannot speak PCD-01 here, a group must exist, ids are unique.
        var scenario = Scenario(
            name: "x", description: "d",
            patients: [
                .init(id: "p", given: "A", family: "B", ageYears: 9, gender: "female", devices: [.init(id: "d", kind: .cgm, transport: .hl7)]),
                .init(
                    id: "p", given: "C", family: "D", ageYears: 9, gender: "male", devices: [.init(id: "m", kind: .bedsideMonitor, transport: .hl7)]),
            ])
        scenario.patients[1].group = "nowhere"
        let problems = scenario.problems
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.contains("p/d: a cgm cannot send over hl7") })
        #expect(problems.contains { $0.contains("'p' is used twice") })
        #expect(problems.contains { $0.contains("group 'nowhere'") })
        #expect(try Scenario.load("icu-hl7").problems.isEmpty)
    }

    @Test func registrationBuildsCareTeamsFromStaffMergedAcrossScenarios() throws {
        let scenarios = try ["ward-sepsis", "icu-hl7", "school-asthma"].map { try Scenario.load($0) }
        let resources = ScenarioResources(scenarios, now: 1_800_000_000_000, copies: 2)
        let nurse = try #require(resources.staff.first { $0.username == "nurse" })
        #expect(Set(nurse.of) == ["ward-7", "hdu"])
        func resource(_ type: String, _ id: String) -> JSON? {
            resources.resources.first { $0["resourceType"]?.stringValue == type && $0["id"]?.stringValue == id }
        }
        let team = try #require(resource("CareTeam", "team-ward-7"))
        #expect(team["subject"]?["reference"] == "Group/ward-7")
        #expect(
            team["participant"]?.arrayValue?.compactMap { $0["member"]?["reference"]?.stringValue } == [
                "Practitioner/nurse-okafor", "Practitioner/dr-weber",
            ])
        let ward = try #require(resource("Group", "ward-7"))
        #expect(ward["member"]?.arrayValue?.count == 6)  // three patients, twice
        #expect(resource("Patient", "ward7-rivera-2")?["identifier"]?[0]?["value"] == "ward7-rivera-2")
        #expect(resource("Device", "ward7-monitor-1-2")?["patient"]?["reference"] == "Patient/ward7-rivera-2")
        #expect(resource("CarePlan", "school-berg-asthma-plan")?["extension"]?[0]?["valueQuantity"]?["value"] == 320)
        // What the ward recorded for Ana Rivera, dated when registered; the action plan's steps; phones.
        let lactate = try #require(resource("DiagnosticReport", "ward7-rivera-record-1"))
        #expect(lactate["subject"]?["reference"] == "Patient/ward7-rivera" && lactate["code"]?["text"] == "Lactate")
        #expect(lactate["effectiveDateTime"] == .string(FHIRDateTime.instant(milliseconds: 1_800_000_000_000)))
        #expect(resource("ImagingStudy", "ward7-rivera-record-2")?["modality"]?[0]?["code"] == "CR")
        #expect(resource("MedicationStatement", "ward7-rivera-record-3")?["effectivePeriod"]?["start"] != nil)
        let plan = try #require(resource("CarePlan", "school-berg-asthma-plan"))
        #expect((plan["activity"]?.arrayValue?.count ?? 0) >= 3 && plan["activity"]?[0]?["detail"]?["status"] == "not-started")
        #expect(resource("Practitioner", "school-nurse-brooks")?["telecom"]?[0]?["system"] == "phone")
        // A child of 12 is born 12 years before now.
        #expect(resource("Patient", "school-berg")?["birthDate"]?.stringValue?.hasPrefix("2015-") == true)
        // Every resource is valid FHIR as far as Vigil's validator goes.
        for item in resources.resources {
            #expect(FHIRValidator.validate(item).isEmpty, "\(item.text)")
        }
    }

    @Test func aMonitorsBatchIsAPCD01MessageVigilReadsBackAndTheSameOnResend() throws {
        let readings = [
            SimulatedReading(seq: 5, time: 1_800_000_000_000, code: "8867-4", value: 88, unit: "/min"),
            SimulatedReading(seq: 6, time: 1_800_000_000_000, code: "8310-5", value: 37.4, unit: "Cel"),
        ]
        let text = PCD01Message.text(readings, device: "hdu-monitor-1", patient: "hdu-silva", facility: "SIM-HDU", boot: "b1")
        let message = try PCD01(HL7Message(parsing: text))
        #expect(message.patient == "hdu-silva")
        #expect(message.readings.map(\.loinc) == ["8867-4", "8310-5"])
        #expect(message.readings.map(\.value) == [88, 37.4])
        #expect(message.readings.map(\.equipment) == ["hdu-monitor-1", "hdu-monitor-1"])
        #expect(message.readings[0].time == 1_800_000_000_000)
        #expect(PCD01Message.text(readings, device: "hdu-monitor-1", patient: "hdu-silva", facility: "SIM-HDU", boot: "b1") == text)
    }

    @Test func aSmartwatchReportsWhereItsWearerSpendsTheDay() throws {
        let seven = Int64(1_800_000_000_000 / 86_400_000 * 86_400_000) + 7 * 3_600_000  // 07:00 UTC
        let fleet = Fleet(scenarios: [try Scenario.load("school-diabetes")], options: FleetOptions(), start: seven)
        let pings = fleet.locationPreview(hours: 10)
        #expect(pings.count == 41 && pings.allSatisfy { $0.device == "school-watch-jensen" && $0.patient == "school-jensen" })
        #expect(pings.filter { $0.place == "riverside-primary-class-4b" }.count == 28)  // 08:00 to 14:45
        #expect(pings.first?.place == "home-school-jensen" && pings.last?.place == "home-school-jensen")
    }

    /// What the server needs for them: the kiosk a Device at its site's Location (with its cut-off)
    /// on nobody; the wearer's places as Locations and their consent to keep their whereabouts.
    @Test func kiosksAndWearersAreRegisteredWithTheirPlacesAndConsent() throws {
        let resources = ScenarioResources([try Scenario.load("airport-screening"), try Scenario.load("school-diabetes")], now: 1_800_000_000_000)
        func resource(_ type: String, _ id: String) -> JSON? {
            resources.resources.first { $0["resourceType"]?.stringValue == type && $0["id"]?.stringValue == id }
        }
        let kiosk = try #require(resource("Device", "kiosk-t2-arrivals"))
        #expect(kiosk["patient"] == nil && kiosk["location"]?["reference"] == "Location/kiosk-t2-arrivals-site")
        let site = try #require(resource("Location", "kiosk-t2-arrivals-site"))
        #expect(ScreeningSite(id: "kiosk-t2-arrivals-site", location: site).cutOff == 37.8)
        #expect(resource("Location", "riverside-primary-class-4b")?["name"] == "Riverside Primary, class 4B")
        #expect(resource("Location", "home-school-jensen") != nil)
        let consent = try #require(resource("Consent", "school-jensen-location-consent"))
        #expect(LocationConsent.permits([consent], at: 1_800_000_000_000) && !LocationConsent.permits([consent], at: 1_700_000_000_000))
        // Locations are written before the devices and consents that name them.
        let order = resources.resources.compactMap { $0["id"]?.stringValue }
        #expect(order.firstIndex(of: "kiosk-t2-arrivals-site")! < order.firstIndex(of: "kiosk-t2-arrivals")!)
        #expect(resources.resources.filter { $0["resourceType"] == "Consent" }.count == 1)
    }
}
