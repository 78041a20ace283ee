import Testing

@testable import VigilCore

/// `_summary` and `_elements` cut a resource down and mark it SUBSETTED.
@Suite struct FHIRSubsetTests {
    static let patient: JSON = [
        "resourceType": "Patient", "id": "p1", "text": ["status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">P</div>"],
        "name": [["family": "Smith"]], "birthDate": "1970-01-01", "communication": [["language": ["text": "English"]]],
    ]

    static func keys(_ json: JSON) -> Set<String> { Set(json.objectValue?.map(\.key) ?? []) }

    @Test func eachSubsetKeepsItsElementsAndSaysItIsOne() {
        #expect(Self.keys(FHIRSubset.summary.apply(to: Self.patient, type: .patient)) == ["resourceType", "id", "meta", "name", "birthDate"])
        #expect(
            Self.keys(FHIRSubset.data.apply(to: Self.patient, type: .patient)) == [
                "resourceType", "id", "meta", "name", "birthDate", "communication",
            ])
        #expect(Self.keys(FHIRSubset.text.apply(to: Self.patient, type: .patient)) == ["resourceType", "id", "meta", "text"])
        let elements = FHIRSubset.elements(["birthDate"]).apply(to: Self.patient, type: .patient)
        #expect(Self.keys(elements) == ["resourceType", "id", "meta", "birthDate"])
        #expect(elements["meta"]?["tag"]?[0]?["code"] == "SUBSETTED")
    }

    @Test func theParametersAreParsedOrRefused() throws {
        #expect(try FHIRSearchQuery.parse(type: .patient, parameters: [("_summary", "true")]).subset == .summary)
        #expect(try FHIRSearchQuery.parse(type: .patient, parameters: [("_elements", "name,birthDate")]).subset == .elements(["name", "birthDate"]))
        let count = try FHIRSearchQuery.parse(type: .patient, parameters: [("_summary", "count")])
        #expect(count.count == 0 && count.includeTotal && count.subset == nil)
        #expect(throws: VigilError.self) { try FHIRSearchQuery.parse(type: .patient, parameters: [("_summary", "maybe")]) }
        #expect(throws: VigilError.self) { try FHIRSearchQuery.parse(type: .patient, parameters: [("_elements", "name.family")]) }
    }
}
