import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VigilClinical
import VigilCore
import VigilSimulator

/// The shipped cohorts over the ten Synthea bundles, sent as Synthea wrote them, agree with a
/// count computed here from the raw bundles by code of its own: ages by the calendar, conditions
/// whose clinical status is active, completed doses, the latest BMI.
@Suite(.serialized, .timeLimit(.minutes(5))) struct CohortEndToEndTests {
    /// One patient as read here from its bundle.
    struct Person {
        var identifier: String
        var birth: DateComponents
        var conditions: [(system: String, code: String)] = []
        var doses: [(code: String, day: String)] = []
        var bmi: (day: String, value: Double)?
    }

    static func people() throws -> [Person] {
        let files = try FileManager.default.contentsOfDirectory(atPath: SyntheaEndToEndTests.bundles.path).filter { $0.hasSuffix(".json") }
        return try files.sorted().map { file in
            let bundle =
                try JSONSerialization.jsonObject(with: Data(contentsOf: SyntheaEndToEndTests.bundles.appendingPathComponent(file))) as! [String: Any]
            let resources = (bundle["entry"] as! [[String: Any]]).map { $0["resource"] as! [String: Any] }
            let patient = resources.first { $0["resourceType"] as? String == "Patient" }!
            let birth = (patient["birthDate"] as! String).split(separator: "-").map { Int($0)! }
            var person = Person(
                identifier: ((patient["identifier"] as! [[String: Any]])[0]["value"] as! String),
                birth: DateComponents(year: birth[0], month: birth[1], day: birth[2]))
            func codings(_ concept: Any?) -> [[String: Any]] { (concept as? [String: Any])?["coding"] as? [[String: Any]] ?? [] }
            for resource in resources {
                switch resource["resourceType"] as? String {
                case "Condition" where codings(resource["clinicalStatus"]).contains { $0["code"] as? String == "active" }:
                    person.conditions += codings(resource["code"]).map { ($0["system"] as! String, $0["code"] as! String) }
                case "Immunization" where resource["status"] as? String == "completed":
                    let day = String((resource["occurrenceDateTime"] as! String).prefix(10))
                    person.doses += codings(resource["vaccineCode"]).map { ($0["code"] as! String, day) }
                case "Observation" where codings(resource["code"]).contains { $0["code"] as? String == "39156-5" }:
                    let day = String((resource["effectiveDateTime"] as! String).prefix(10))
                    let value = (resource["valueQuantity"] as! [String: Any])["value"] as! Double
                    if person.bmi == nil || person.bmi!.day < day { person.bmi = (day, value) }
                default: break
                }
            }
            return person
        }
    }

    /// Whether `person` is in `definition`'s cohort on `day` (YYYY-MM-DD), and whether at risk at all.
    static func member(_ person: Person, _ definition: CohortDefinition, on day: String) -> (member: Bool, atRisk: Bool) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = day.split(separator: "-").map { Int($0)! }
        let today = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
        let age = calendar.dateComponents([.year], from: calendar.date(from: person.birth)!, to: today).year!
        var atRisk = (definition.risk.ageBelowYears.map { age < $0 } ?? false) || (definition.risk.ageFromYears.map { age >= $0 } ?? false)
        for set in definition.risk.conditions {
            for coding in person.conditions
            where set.codes.contains(where: { $0.system == coding.system && ($0.prefix ? coding.code.hasPrefix($0.code) : coding.code == $0.code) }) {
                atRisk = true
            }
        }
        if let threshold = definition.risk.bmiAtLeast, let bmi = person.bmi, bmi.value >= threshold { atRisk = true }
        let earliest = definition.protection.withinDays.map { calendar.date(byAdding: .day, value: -$0, to: today)! } ?? .distantPast
        let counted = Set(definition.protection.vaccines.map(\.code))
        var taken: [Date] = []
        for dose in person.doses.filter({ counted.contains($0.code) && $0.day <= day }).map(\.day).sorted() {
            let parts = dose.split(separator: "-").map { Int($0)! }
            let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
            guard date >= earliest else { continue }
            if let last = taken.last, calendar.dateComponents([.day], from: last, to: date).day! < definition.protection.minimumIntervalDays {
                continue
            }
            taken.append(date)
        }
        return (atRisk && taken.count < definition.protection.doses, atRisk)
    }

    @Test func theShippedCohortsAgreeWithACountFromTheRawBundles() async throws {
        let people = try Self.people()
        #expect(people.count == 10)
        let server = try ServerProcess()
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        let files = try FileManager.default.contentsOfDirectory(atPath: SyntheaEndToEndTests.bundles.path).filter { $0.hasSuffix(".json") }
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: SyntheaEndToEndTests.bundles.appendingPathComponent(file)))
            #expect(try await server.request(.POST, "/fhir", token: admin, body: bytes, timeout: .seconds(120)).status == .ok)
        }
        // The server's ids, by Synthea's identifier.
        let patients = try await server.request(.GET, "/fhir/Patient?_count=50", token: admin).json?["entry"]?.arrayValue ?? []
        let identifiers = Dictionary(
            uniqueKeysWithValues: patients.compactMap { entry -> (String, String)? in
                guard let id = entry["resource"]?["id"]?.stringValue, let value = entry["resource"]?["identifier"]?[0]?["value"]?.stringValue else {
                    return nil
                }
                return ("Patient/\(id)", value)
            })
        var members = 0, protectedAtRisk = 0
        for definition in CohortDefinition.shipped {
            for day in ["2019-01-15", "2021-04-01", "2021-09-01", "2026-12-06"] {
                let reply = try await server.request(.GET, "/api/cohorts/\(definition.name)?date=\(day)", token: admin)
                #expect(reply.status == .ok, "\(reply.text)")
                let found = Set((reply.json?["members"]?.arrayValue ?? []).compactMap { $0["patient"]?.stringValue.flatMap { identifiers[$0] } })
                let expected = people.map { ($0.identifier, Self.member($0, definition, on: day)) }
                #expect(found == Set(expected.filter(\.1.member).map(\.0)), "\(definition.name) on \(day)")
                members += found.count
                protectedAtRisk += expected.filter { $0.1.atRisk && !$0.1.member }.count
            }
        }
        // Neither side is empty: some are members, and some at risk are protected.
        #expect(members > 5 && protectedAtRisk > 0, "members \(members), protected at risk \(protectedAtRisk)")
    }
}
