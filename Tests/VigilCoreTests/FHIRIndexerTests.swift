import Testing
import VigilCore

@Suite struct FHIRIndexerTests {
    @Test func extractsEveryKindOfValue() {
        let observation: JSON = [
            "resourceType": "Observation", "status": "final",
            "code": ["coding": [["system": "http://loinc.org", "code": "8867-4"], ["code": "hr"]]],
            "subject": ["reference": "Patient/p1"], "effectivePeriod": ["start": "2026-03-01T08:00:00Z"],
            "identifier": [["system": "urn:x", "value": "1"]], "performer": [["reference": "Practitioner/n1"]],
        ]
        let entries = Set(FHIRIndexer.entries(for: observation, type: .observation))
        #expect(entries.contains(.init("code", .token(system: "http://loinc.org", code: "8867-4"))))
        #expect(entries.contains(.init("code", .token(system: nil, code: "hr"))))
        #expect(entries.contains(.init("status", .token(system: nil, code: "final"))))
        #expect(entries.contains(.init("patient", .reference("Patient/p1"))))
        #expect(entries.contains(.init("subject", .reference("Patient/p1"))))
        #expect(entries.contains(.init("identifier", .token(system: "urn:x", code: "1"))))
        #expect(entries.contains(.init("performer", .reference("Practitioner/n1"))))
        #expect(entries.contains(.init("date", .date(low: FHIRDateTime("2026-03-01T08:00:00Z")!.lowerBound, high: Int64.max))))
    }

    @Test func patientOnlyIndexesPatientReferences() {
        let entries = FHIRIndexer.entries(for: ["resourceType": "CareTeam", "subject": ["reference": "Group/g"]], type: .careTeam)
        #expect(!entries.contains { $0.parameter == "patient" })
        #expect(entries.contains(.init("subject", .reference("Group/g"))))
    }

    @Test func namesIndexEveryPart() {
        let entries = FHIRIndexer.entries(for: ["resourceType": "Patient", "name": [["family": "Müller", "given": ["Anna", "B"]]]], type: .patient)
        let names = entries.filter { $0.parameter == "name" }.map(\.value)
        #expect(Set(names) == [.string("Müller"), .string("Anna"), .string("B")])
        #expect(FHIRIndexer.normalize("Müller") == "muller")
    }

    @Test func referencesParse() {
        #expect(FHIRReference("Patient/1")?.description == "Patient/1")
        #expect(FHIRReference("https://x.org/fhir/Patient/1/_history/2")?.description == "Patient/1")
        #expect(FHIRReference("urn:uuid:1234") == nil)
        #expect(FHIRReference("patient/1") == nil)
        #expect(FHIRReference("1") == nil)
        #expect(FHIRReference(searchValue: "1", defaultType: "Patient")?.description == "Patient/1")
    }

    @Test func producerKeysParseAndPrint() {
        #expect(ProducerKey("dev-1/b1/42") == ProducerKey(device: "dev-1", boot: "b1", seq: 42))
        #expect(ProducerKey(device: "d", boot: "0", seq: 1).description == "d/0/1")
        #expect(ProducerKey("dev/b1") == nil)
        #expect(ProducerKey("dev/b1/-1") == nil)
    }

    @Test func auditCanonicalBytesSeparateFieldsAndNeutraliseSeparators() {
        let event = AuditEvent(time: 5, actor: "user/a\u{1F}b", role: "nurse", patient: nil, action: .read, resource: "Patient/1")
        let text = String(decoding: event.canonicalBytes(seq: 3), as: UTF8.self)
        #expect(text.split(separator: "\u{1F}", omittingEmptySubsequences: false).count == 10)
        #expect(text.hasPrefix("3\u{1F}5\u{1F}user/a b\u{1F}nurse"))
    }

    /// Quantities with their unit (code, else unit), a Range by its ends; a code's text and
    /// displays under `:text`.
    @Test func quantitiesRangesAndTextsAreIndexed() {
        let observation: JSON = [
            "resourceType": "Observation", "code": ["coding": [["code": "8867-4", "display": "Heart rate"]], "text": "Pulse"],
            "valueQuantity": ["value": 72, "unit": "beats/min"],
        ]
        let entries = FHIRIndexer.entries(for: observation, type: .observation)
        #expect(entries.contains(FHIRIndexEntry("value-quantity", .quantity(low: 72, high: 72, system: nil, code: "beats/min"))))
        #expect(
            entries.contains(FHIRIndexEntry("code:text", .string("Pulse"))) && entries.contains(FHIRIndexEntry("code:text", .string("Heart rate"))))
        let condition: JSON = ["resourceType": "Condition", "onsetRange": ["low": ["value": 40, "code": "a"], "high": ["value": 50, "code": "a"]]]
        #expect(
            FHIRIndexer.entries(for: condition, type: .condition).contains(
                FHIRIndexEntry("onset-age", .quantity(low: 40, high: 50, system: nil, code: "a"))))
        let open: JSON = ["resourceType": "Condition", "onsetRange": ["low": ["value": 40]]]
        #expect(
            FHIRIndexer.entries(for: open, type: .condition).contains(
                FHIRIndexEntry("onset-age", .quantity(low: 40, high: .greatestFiniteMagnitude, system: nil, code: nil))))
    }

    @Test func readingsBecomeObservations() {
        let reading = StoredReading(
            id: 12,
            reading: Reading(
                key: ProducerKey(device: "d1", boot: "b1", seq: 3), patient: "p1", code: "8867-4", value: 72, unit: "/min",
                time: 1_772_352_000_000, received: 1_772_352_001_000, flags: [.futureTimestamp]
            ))
        let json = reading.observation()
        #expect(json["id"] == "12")
        #expect(json["identifier"]?[0]?["value"] == "d1/b1/3")
        #expect(json["valueQuantity"]?["value"] == .number("72"))
        #expect(json["effectiveDateTime"] == "2026-03-01T08:00:00Z")
        #expect(json["issued"] == "2026-03-01T08:00:01Z")
        #expect(json["meta"]?["tag"]?[0]?["code"] == "future-timestamp")
        #expect(FHIRValidator.validate(json) == [])
    }
}
