import Testing

@testable import VigilCore

@Suite struct FHIRSearchQueryTests {
    func parse(_ type: FHIRResourceType, _ parameters: [(String, String)], lenient: Bool = false) throws -> FHIRSearchQuery {
        try FHIRSearchQuery.parse(type: type, parameters: parameters.map { (name: $0.0, value: $0.1) }, lenient: lenient)
    }

    @Test func tokensTakeEverySystemForm() throws {
        let query = try parse(.observation, [("code", "8867-4,http://loinc.org|9279-1,|x,http://loinc.org|")])
        #expect(
            query.filters.first?.values == [
                .token(system: .any, code: "8867-4"), .token(system: .exactly("http://loinc.org"), code: "9279-1"),
                .token(system: .none, code: "x"), .token(system: .exactly("http://loinc.org"), code: nil),
            ])
    }

    @Test func patientTakesAnIdOrAReference() throws {
        let query = try parse(.observation, [("patient", "123"), ("subject", "Patient/456"), ("patient", "https://example.org/fhir/Patient/789")])
        #expect(query.filters.map(\.values) == [[.reference("Patient/123")], [.reference("Patient/456")], [.reference("Patient/789")]])
    }

    /// R4's number precision: the range a number written with so many digits stands for.
    @Test func numbersStandForTheRangeOfTheirPrecision() throws {
        let cases: [(String, Double, Double)] = [
            ("100", 99.5, 100.5), ("100.00", 99.995, 100.005), ("1e2", 95, 105), ("-1.5", -1.55, -1.45), ("2.50E-1", 0.24995, 0.25005),
        ]
        for (text, low, high) in cases {
            let (value, half) = try #require(FHIRSearchQuery.decimal(Substring(text)), "\(text)")
            #expect(abs(value - half - low) < 1e-9 && abs(value + half - high) < 1e-9, "\(text): \(value - half)...\(value + half)")
        }
        for text in ["", "abc", "1.", ".5", "1e", "1e2.5", "0x10", "1,5", "inf", "nan", "1e999"] {
            #expect(FHIRSearchQuery.decimal(Substring(text)) == nil, "\(text)")
        }
        let query = try parse(.observation, [("value-quantity", "ap5.4|http://unitsofmeasure.org|mmol/L")])
        guard case .quantity(.ap, 5.4, _, _, .exactly("http://unitsofmeasure.org"), "mmol/L") = query.filters.first?.values.first else {
            Issue.record("\(query.filters)")
            return
        }
        #expect(throws: VigilError.self) { try parse(.observation, [("date", "ap2026-01-01")]) }
        #expect(throws: VigilError.self) { try parse(.observation, [("value-quantity", "0.5|x")]) }
    }

    @Test func datesTakePrefixes() throws {
        let query = try parse(.observation, [("date", "ge2026-03-01"), ("date", "lt2026-03-02T00:00:00Z")])
        guard case .date(let p1, let low, _) = query.filters[0].values[0], case .date(let p2, _, _) = query.filters[1].values[0] else {
            Issue.record("not dates")
            return
        }
        #expect(p1 == .ge && p2 == .lt)
        #expect(low == FHIRDateTime("2026-03-01")?.lowerBound)
    }

    @Test func theComparisonSignsSomeClientsSendAreR4Prefixes() throws {
        for (sign, prefix) in [(">=", FHIRSearchQuery.Prefix.ge), ("<=", .le), (">", .gt), ("<", .lt), ("!=", .ne)] {
            guard case .date(let parsed, let low, _) = try FHIRSearchQuery.parseDate(sign + "2026-03-01", name: "date") else {
                Issue.record("not a date")
                continue
            }
            #expect(parsed == prefix && low == FHIRDateTime("2026-03-01")?.lowerBound, "\(sign)")
        }
        #expect(throws: VigilError.self) { try FHIRSearchQuery.parseDate("=>2026-03-01", name: "date") }
    }

    @Test func countIsCappedNotRefused() throws {
        #expect(try parse(.patient, [("_count", "100000")]).count == 1000)
        #expect(try parse(.patient, []).count == 50)
        #expect(try parse(.patient, [("_count", "0")]).includeTotal)
        #expect(throws: VigilError.self) { try parse(.patient, [("_count", "-1")]) }
    }

    @Test func unknownParametersAreRefusedUnlessLenient() throws {
        let error = #expect(throws: VigilError.self) { try parse(.patient, [("shoe-size", "42")]) }
        #expect(error?.code == .invalid)
        #expect(try parse(.patient, [("shoe-size", "42")], lenient: true).filters.isEmpty)
    }

    @Test func sortTakesIdsLastUpdatedAndTheTypesParameters() throws {
        #expect(try parse(.observation, [("_sort", "-date,_id")]).sort == [.init("date", descending: true), .init("_id")])
        #expect(try parse(.observation, [("_sort", "code,-value-quantity")]).sort == [.init("code"), .init("value-quantity", descending: true)])
        #expect(throws: VigilError.self) { try parse(.observation, [("_sort", "family")]) }
    }

    @Test func modifiers() throws {
        #expect(try parse(.patient, [("name:exact", "Müller")]).filters.first?.values == [.string("Müller", .exact)])
        #expect(try parse(.patient, [("name", "Müller")]).filters.first?.values == [.string("muller", .prefix)])
        #expect(try parse(.patient, [("birthdate:missing", "true")]).filters.first?.missing == true)
        #expect(try parse(.observation, [("code:text", "Heart")]).filters.first?.values == [.string("heart", .prefix)])
        #expect(throws: VigilError.self) { try parse(.observation, [("code:above", "x")]) }
        #expect(throws: VigilError.self) { try parse(.observation, [("date:text", "x")]) }
        #expect(throws: VigilError.self) { try parse(.observation, [("subject.name", "x")]) }
    }

    @Test func commasCanBeEscaped() {
        #expect(FHIRSearchQuery.splitValues(#"a\,b,c"#) == ["a,b", "c"])
    }

    /// FHIR R4 date-search semantics, on a point and on a day.
    @Test(arguments: [
        // (prefix, search value, target low...high, matches)
        ("eq", "2026-03-01", "2026-03-01T10:00:00Z", true), ("eq", "2026-03-01", "2026-03-02T00:00:00Z", false),
        ("ne", "2026-03-01", "2026-03-02T00:00:00Z", true), ("gt", "2026-03-01", "2026-03-01T23:59:59Z", false),
        ("gt", "2026-03-01", "2026-03-02T00:00:00Z", true), ("ge", "2026-03-01", "2026-03-01T00:00:00Z", true),
        ("ge", "2026-03-01", "2026-02-28T23:59:59Z", false), ("lt", "2026-03-01", "2026-02-28T23:59:59Z", true),
        ("lt", "2026-03-01", "2026-03-01T00:00:00Z", false), ("le", "2026-03-01", "2026-03-01T23:59:59Z", true),
        ("le", "2026-03-01", "2026-03-02T00:00:00Z", false), ("sa", "2026-03-01", "2026-03-02T00:00:00Z", true),
        ("eb", "2026-03-01", "2026-02-28T00:00:00Z", true), ("eb", "2026-03-01", "2026-03-01T00:00:00Z", false),
    ])
    func dateComparisons(_ prefix: String, _ value: String, _ target: String, _ expected: Bool) throws {
        let comparison = try FHIRSearchQuery.parseDate(prefix + value, name: "date")
        let point = try #require(FHIRDateTime(target))
        #expect(comparison.matches(low: point.lowerBound, high: point.upperBound) == expected)
    }
}
