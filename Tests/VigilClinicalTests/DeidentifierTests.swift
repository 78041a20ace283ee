import Foundation
import Testing
import VigilCore

@testable import VigilClinical

/// Safe Harbor (DEID-1 to DEID-3): planted identifiers of every class never leave; ZIP3 and ages.
@Suite struct DeidentifierTests {
    static let now = CohortTests.now  // 2026-12-04
    static let deidentifier = Deidentifier(
        pseudonym: { "ps-" + String($0.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }, radix: 16) }, at: now)

    /// One value of every identifier class, each unique enough to be found in any output.
    static let planted = [
        "Alice Wonderland-Planted", "Bob Relative-Planted", "42 Rabbit Hole Lane", "Wondertown", "Queens County", "617-555-0199",
        "617-555-0142", "alice.planted@example.org", "078-05-1120", "MRN-PLANTED-7781", "PLAN-5550001", "ACCT-99812", "LIC-D1234567",
        "PLATE-7XY-123", "SN-PULSEOX-000917", "(01)00643169001763(17)160712", "https://alice-planted.example.org/me", "203.0.113.77",
        "fingerprint-hash-PLANTED", "photo-PLANTED.jpg", "patient-uuid-planted-1", "1990-06-15", "2026-03-14", "02108-1234",
        "Dr. Hatter-Planted", "lot-PLANTED-42", "mqtt-client-PLANTED",
    ]

    static func planted(_ index: Int) -> JSON { .string(planted[index]) }

    static let resources: [JSON] = [
        [
            "resourceType": "Patient", "id": "patient-uuid-planted-1",
            "meta": ["lastUpdated": "2026-03-14T10:00:00Z", "source": "https://alice-planted.example.org/me"],
            "text": ["status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Alice Wonderland-Planted, 617-555-0199</div>"],
            "identifier": [
                ["system": "http://hl7.org/fhir/sid/us-ssn", "value": "078-05-1120"], ["system": "urn:mrn", "value": "MRN-PLANTED-7781"],
            ],
            "name": [["text": "Alice Wonderland-Planted", "family": "Wonderland-Planted", "given": ["Alice"]]],
            "telecom": [["system": "phone", "value": "617-555-0199"], ["system": "email", "value": "alice.planted@example.org"]],
            "gender": "female", "birthDate": "1990-06-15",
            "address": [
                [
                    "use": "home", "line": ["42 Rabbit Hole Lane"], "city": "Wondertown", "district": "Queens County", "state": "MA",
                    "postalCode": "02108-1234",
                ]
            ],
            "photo": [["url": "photo-PLANTED.jpg"]],
            "contact": [["name": ["text": "Bob Relative-Planted"], "telecom": [["system": "phone", "value": "617-555-0142"]]]],
            "extension": [["url": "https://alice-planted.example.org/me", "valueString": "fingerprint-hash-PLANTED"]],
            "generalPractitioner": [["reference": "Practitioner/dr", "display": "Dr. Hatter-Planted"]],
        ],
        [
            "resourceType": "Observation", "id": "obs-1", "status": "final",
            "category": [["coding": [["system": "https://alice-planted.example.org/me", "code": "MRN-PLANTED-7781"]]]],
            "identifier": [["system": "urn:vigil:producer-key", "value": "SN-PULSEOX-000917/b1/1"]],
            "code": [
                "coding": [["system": "http://loinc.org", "code": "59408-5", "display": "Alice Wonderland-Planted's SpO2"]], "text": "ACCT-99812",
            ],
            "subject": ["reference": "Patient/patient-uuid-planted-1", "display": "Alice Wonderland-Planted"],
            "device": ["reference": "Device/SN-PULSEOX-000917", "display": "(01)00643169001763(17)160712"],
            "performer": [["reference": "Practitioner/dr", "display": "Dr. Hatter-Planted"]],
            "effectiveDateTime": "2026-03-14T10:00:00Z", "issued": "2026-03-14T10:00:05Z",
            "valueQuantity": ["value": 97, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"],
            "note": [["text": "called 617-555-0142 from 203.0.113.77, client mqtt-client-PLANTED, plate PLATE-7XY-123"]],
            "component": [
                ["code": ["coding": [["system": "http://loinc.org", "code": "8867-4"]]], "valueQuantity": ["value": 72, "unit": "/min"]],
                ["code": ["coding": [["system": "http://loinc.org", "code": "8310-5"]]], "valueString": "LIC-D1234567"],
            ],
        ],
        [
            "resourceType": "Condition", "id": "cond-1", "subject": ["reference": "Patient/patient-uuid-planted-1"],
            "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
            "code": ["coding": [["system": "http://snomed.info/sct", "code": "195967001"]], "text": "asthma, see PLAN-5550001"],
            "onsetDateTime": "2026-03-14", "recordedDate": "2026-03-14", "note": [["text": "Alice Wonderland-Planted's mother Bob Relative-Planted"]],
        ],
        [
            "resourceType": "Immunization", "id": "imm-1", "status": "completed", "patient": ["reference": "Patient/patient-uuid-planted-1"],
            "vaccineCode": ["coding": [["system": "http://hl7.org/fhir/sid/cvx", "code": "140"]]], "occurrenceDateTime": "2026-03-14",
            "doseQuantity": ["value": .double(0.5), "unit": "Alice Wonderland-Planted", "system": "http://unitsofmeasure.org", "code": "mL"],
            "lotNumber": "lot-PLANTED-42", "performer": [["actor": ["reference": "Practitioner/dr", "display": "Dr. Hatter-Planted"]]],
        ],
        [
            "resourceType": "Device", "id": "SN-PULSEOX-000917", "serialNumber": "SN-PULSEOX-000917",
            "udiCarrier": [["carrierHRF": "(01)00643169001763(17)160712"]], "patient": ["reference": "Patient/patient-uuid-planted-1"],
        ],
        ["resourceType": "RelatedPerson", "id": "bob", "name": [["text": "Bob Relative-Planted"]], "telecom": [["value": "617-555-0142"]]],
    ]

    @Test func plantedIdentifiersOfEveryClassNeverLeave() throws {
        let out = Self.resources.compactMap(Self.deidentifier.deidentify)
        #expect(
            out.map { $0["resourceType"]?.stringValue } == ["Patient", "Observation", "Condition", "Immunization"],
            "devices and relatives do not leave")
        let text = out.map(\.text).joined(separator: "\n")
        for value in Self.planted { #expect(!text.contains(value), "\(value) left: \(text)") }
        for part in ["Alice", "Wonderland", "Hatter", "Rabbit", "617", "203.0.113", "PLANTED", "planted"] { #expect(!text.contains(part), "\(part)") }
        // No date finer than a year, no e-mail, no address of the web but code systems'.
        #expect(text.range(of: #"\d{4}-\d{2}"#, options: .regularExpression) == nil, "\(text)")
        #expect(!text.contains("@"))
        let urls = Set(text.matches(of: /https?:\/\/[^"]+/).map { String($0.output) })
        #expect(
            urls.isSubset(of: [
                "http://loinc.org", "http://unitsofmeasure.org", "http://snomed.info/sct", "http://hl7.org/fhir/sid/cvx",
                "http://terminology.hl7.org/CodeSystem/condition-clinical",
            ]), "\(urls)")
        // What research needs stays.
        let patient = out[0]
        #expect(patient["gender"] == "female" && patient["birthDate"] == "1990" && patient["address"] == [["postalCode": "021", "state": "MA"]])
        let observation = out[1]
        #expect(observation["subject"]?["reference"]?.stringValue == "Patient/\(patient["id"]?.stringValue ?? "?")")
        #expect(observation["valueQuantity"]?["value"] == .integer(97) && observation["effectiveDateTime"] == "2026")
        #expect(observation["code"] == ["coding": [["system": "http://loinc.org", "code": "59408-5"]]])
        #expect(observation["component"]?.arrayValue?.count == 1, "the component whose value was text left without it, and so not at all")
        #expect(out[2]["onsetDateTime"] == "2026" && out[3]["vaccineCode"] == ["coding": [["system": "http://hl7.org/fhir/sid/cvx", "code": "140"]]])
        #expect(out[3]["doseQuantity"] == ["value": .double(0.5), "unit": "mL", "system": "http://unitsofmeasure.org", "code": "mL"])
    }

    /// A limited data set (a project under a data use agreement) keeps dates whole, the city and
    /// the five-digit ZIP code; every other identifier stays behind as in Safe Harbor.
    @Test func aLimitedDataSetKeepsDatesAndTownsOnly() throws {
        let limited = Deidentifier(limitedDataSet: true, pseudonym: Self.deidentifier.pseudonym, at: Self.now)
        let out = Self.resources.compactMap(limited.deidentify)
        let text = out.map(\.text).joined(separator: "\n")
        let kept: Set = ["1990-06-15", "2026-03-14", "02108", "Wondertown"]
        for value in Self.planted where !kept.contains(value) {
            #expect(!text.contains(value), "\(value) left: \(text)")
        }
        #expect(out[0]["birthDate"] == "1990-06-15" && out[0]["address"] == [["postalCode": "02108", "city": "Wondertown", "state": "MA"]])
        #expect(out[1]["effectiveDateTime"] == "2026-03-14T10:00:00Z" && out[2]["onsetDateTime"] == "2026-03-14")
        let old = limited.deidentify(["resourceType": "Patient", "id": "p", "birthDate": "1921-03-01"])
        #expect(old?["birthDate"] == "1921-03-01" && old?["extension"] == nil)
    }

    /// DEID-3: the 17 restricted ZIP3 become `000`, others keep their three digits; what is not a ZIP code does not leave.
    @Test func zipCodesBecomeTheirFirstThreeDigitsAndSmallAreasZero() {
        let profile = SafeHarbor()
        for prefix in SafeHarbor.hhsRestrictedZIP3 { #expect(profile.zip3(prefix + "01") == "000" && profile.zip3(prefix + "99-1234") == "000") }
        for prefix in ["021", "100", "606", "941", "981", "035", "037", "058", "880", "894"] { #expect(profile.zip3(prefix + "42") == prefix) }
        for other in ["SW1A 1AA", "0210", "021081", "02108-12", "abcde", ""] { #expect(profile.zip3(other) == nil, "\(other)") }
        #expect(SafeHarbor.hhsRestrictedZIP3.count == 17)
    }

    /// DEID-2: birth years of people 90 and over, and years that could be theirs, do not leave; the 90-or-older mark does.
    @Test func agesOfNinetyAndOverCollapse() {
        let cases: [(String, birthDate: JSON?, ninety: Bool)] = [
            ("1937-06-01", "1937", false),  // 89
            ("1937-01-01", "1937", false),  // 89, born on 1 January
            ("1936-12-31", nil, false),  // 89 until the 31st, but 1936 could be a 90-year-old's year
            ("1936-12-04", nil, true),  // 90 today
            ("1936-12-05", nil, false),  // 90 tomorrow
            ("1921-03-01", nil, true),  // 105
            ("1936", nil, true),  // could be 90
            ("2020-02", "2020", false), ("not a date", nil, false),
        ]
        for (born, year, ninety) in cases {
            let out = Self.deidentifier.deidentify(["resourceType": "Patient", "id": "p", "birthDate": .string(born)])
            #expect(out?["birthDate"] == year, "\(born)")
            #expect((out?["extension"]?[0]?["url"] == .string(Deidentifier.ninetyOrOlderExtension)) == ninety, "\(born)")
        }
    }
}

extension DeidentifierTests {
    /// DEID-5: everyone whose birth year, sex and ZIP3 fewer than k share is left out, and only they.
    @Test func classesSmallerThanKAreSuppressed() {
        func patient(_ born: String, _ gender: String, _ zip: String) -> JSON {
            Self.deidentifier.deidentify([
                "resourceType": "Patient", "id": .string("\(born)-\(gender)-\(zip)-\(UInt64.random(in: 0...UInt64.max))"), "birthDate": .string(born),
                "gender": .string(gender), "address": [["postalCode": .string(zip)]],
            ])!
        }
        var patients: [String: QuasiIdentifiers] = [:]
        func add(_ count: Int, _ born: String, _ gender: String, _ zip: String) -> [String] {
            (0..<count).map { _ in
                let out = patient(born, gender, zip)
                patients[out["id"]!.stringValue!] = QuasiIdentifiers(deidentified: out)
                return out["id"]!.stringValue!
            }
        }
        let five = add(5, "1980-01-01", "female", "02108")
        let sameYearOtherDay = add(2, "1980-12-31", "female", "02199")  // same class as the five: year and ZIP3 alike
        let four = add(4, "1980-01-01", "male", "02108")
        let oldest = add(3, "1921-01-01", "female", "02108") + add(3, "1925-01-01", "female", "02108")  // 90+ together: 6
        let restricted = add(4, "1970-01-01", "male", "03601") + add(1, "1970-01-01", "male", "69201")  // both 000: 5
        let suppressed = SafeHarbor().suppressed(patients)
        #expect(suppressed == Set(four))
        #expect(Set(five + sameYearOtherDay + oldest + restricted).isDisjoint(with: suppressed))
        #expect(SafeHarbor(k: 7).suppressed(patients) == Set(four + oldest + restricted))
    }
}
