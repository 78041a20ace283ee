public import VigilCore

/// Makes a resource fit to leave for research under ``SafeHarbor``, through an allow list: only
/// the elements listed for its type leave, each in a form that carries no identifier (codes
/// without their display text, dates as years, references and ids as the project's pseudonyms,
/// addresses as ZIP3 and state). Names, contacts, identifiers, device and network identifiers,
/// free text, narrative, notes, extensions and every element not listed stay behind.
///
/// For a limited data set (a project under a data use agreement), dates stay whole and addresses
/// keep their city and five-digit ZIP code; everything else is as above.
public struct Deidentifier: Sendable {
    public var profile: SafeHarbor
    /// Whether it makes a limited data set: dates whole, city and five-digit ZIP codes kept.
    public var limitedDataSet: Bool
    /// The pseudonym of `Type/id` in the research project: stable within it, different across
    /// projects, not reversible without the project's key.
    public var pseudonym: @Sendable (String) -> String
    /// The day ages are read on.
    public var today: (year: Int, month: Int, day: Int)

    /// The extension a Patient carries instead of a birth date that allows an age of 90 or more.
    public static let ninetyOrOlderExtension = "urn:vigil:fhir:age-90-or-older"

    public init(profile: SafeHarbor = SafeHarbor(), limitedDataSet: Bool = false, pseudonym: @escaping @Sendable (String) -> String, at now: Int64) {
        (self.profile, self.limitedDataSet, self.pseudonym, self.today) = (profile, limitedDataSet, pseudonym, Birth.day(of: now))
    }

    /// The types that can leave at all, in name order.
    public static var exportableTypes: [FHIRResourceType] { allowed.keys.sorted() }

    /// How an allowed element leaves.
    enum Element: Sendable {
        /// A code, boolean or number, as it is.
        case plain
        /// A CodeableConcept's codings (system and code only), or an array of CodeableConcepts.
        case concept, concepts
        /// A Coding (system and code only), or an array of them.
        case coding, codings
        /// A Quantity's value, unit, system and code.
        case quantity
        /// A reference, to the target's pseudonym, or an array of them.
        case reference, references
        /// A date or dateTime, as its year.
        case year
        /// A Period, as the years of its start and end.
        case period
        /// Addresses, as ZIP3, state and country.
        case address
        /// A birth date: its year; the 90-or-older extension instead for someone that old; nothing
        /// when the year alone allows 90.
        case birth
        /// Observation components: code and value.
        case components
    }

    /// What leaves of each type exported; a type not here does not leave at all.
    static let allowed: [FHIRResourceType: [(String, Element)]] = [
        .patient: [("gender", .plain), ("birthDate", .birth), ("deceasedBoolean", .plain), ("deceasedDateTime", .year), ("address", .address)],
        .observation: [
            ("status", .plain), ("category", .concepts), ("code", .concept), ("subject", .reference), ("effectiveDateTime", .year),
            ("effectivePeriod", .period), ("valueQuantity", .quantity), ("valueCodeableConcept", .concept), ("valueBoolean", .plain),
            ("valueInteger", .plain), ("interpretation", .concepts), ("component", .components),
        ],
        .condition: [
            ("clinicalStatus", .concept), ("verificationStatus", .concept), ("category", .concepts), ("severity", .concept), ("code", .concept),
            ("bodySite", .concepts), ("subject", .reference), ("onsetDateTime", .year), ("abatementDateTime", .year), ("recordedDate", .year),
        ],
        .immunization: [
            ("status", .plain), ("vaccineCode", .concept), ("patient", .reference), ("occurrenceDateTime", .year), ("primarySource", .plain),
            ("site", .concept), ("route", .concept), ("doseQuantity", .quantity),
        ],
        .medicationStatement: [
            ("status", .plain), ("medicationCodeableConcept", .concept), ("subject", .reference), ("effectiveDateTime", .year),
            ("effectivePeriod", .period), ("dateAsserted", .year),
        ],
        .procedure: [
            ("status", .plain), ("category", .concept), ("code", .concept), ("subject", .reference), ("performedDateTime", .year),
            ("performedPeriod", .period), ("bodySite", .concepts), ("outcome", .concept),
        ],
        .diagnosticReport: [
            ("status", .plain), ("category", .concepts), ("code", .concept), ("subject", .reference), ("effectiveDateTime", .year),
            ("effectivePeriod", .period), ("result", .references), ("conclusionCode", .concepts),
        ],
        .imagingStudy: [
            ("status", .plain), ("modality", .codings), ("subject", .reference), ("started", .year), ("numberOfSeries", .plain),
            ("numberOfInstances", .plain), ("procedureCode", .concepts),
        ],
        .encounter: [("status", .plain), ("class", .coding), ("type", .concepts), ("subject", .reference), ("period", .period)],
        .allergyIntolerance: [
            ("clinicalStatus", .concept), ("verificationStatus", .concept), ("type", .plain), ("criticality", .plain),
            ("code", .concept), ("patient", .reference), ("onsetDateTime", .year), ("recordedDate", .year),
        ],
        .medicationRequest: [
            ("status", .plain), ("intent", .plain), ("medicationCodeableConcept", .concept), ("subject", .reference), ("authoredOn", .year),
        ],
        .medicationAdministration: [
            ("status", .plain), ("medicationCodeableConcept", .concept), ("subject", .reference), ("effectiveDateTime", .year),
            ("effectivePeriod", .period),
        ],
        .carePlan: [("status", .plain), ("intent", .plain), ("category", .concepts), ("subject", .reference), ("period", .period)],
    ]

    /// The resource as it may leave; nil for a type that does not leave.
    public func deidentify(_ resource: JSON) -> JSON? {
        guard let name = resource["resourceType"]?.stringValue, let type = FHIRResourceType(rawValue: name), let elements = Self.allowed[type],
            let id = resource["id"]?.stringValue
        else { return nil }
        var out: JSONObject = ["resourceType": .string(name), "id": .string(pseudonym("\(name)/\(id)"))]
        for (key, element) in elements {
            guard let value = resource[key] else { continue }
            if element == .birth, !limitedDataSet {
                let birth = SafeHarbor.birth(value.stringValue ?? "", on: today)
                if birth.ninetyOrOlder { out["extension"] = [["url": .string(Self.ninetyOrOlderExtension), "valueBoolean": true]] }
                if let year = birth.year { out[key] = .string(year) }
            } else if let kept = transform(value, element) {
                out[key] = kept
            }
        }
        return .object(out)
    }

    private func transform(_ value: JSON, _ element: Element) -> JSON? {
        switch element {
        case .plain:
            switch value {
            case .bool, .number: return value
            case .string(let text): return Self.isCode(text) ? value : nil
            default: return nil
            }
        case .concept:
            let codings = (value["coding"]?.arrayValue ?? []).compactMap(coding)
            return codings.isEmpty ? nil : ["coding": .array(codings)]
        case .concepts: return many(value, .concept)
        case .coding: return coding(value)
        case .codings: return many(value, .coding)
        case .quantity:
            guard case .number = value["value"] else { return nil }
            var quantity: JSONObject = ["value": value["value"]!]
            // The unit as its UCUM code: a unit's text is free text.
            if let unit = coding(value), unit["system"] == .string(Self.ucum) {
                (quantity["unit"], quantity["system"], quantity["code"]) = (unit["code"], unit["system"], unit["code"])
            }
            return .object(quantity)
        case .reference:
            guard let text = value["reference"]?.stringValue, let target = FHIRReference(text) else { return nil }
            return ["reference": .string("\(target.type)/\(pseudonym("\(target.type)/\(target.id)"))")]
        case .references: return many(value, .reference)
        case .year, .birth: return value.stringValue.flatMap(date).map(JSON.string)
        case .period:
            var period = JSONObject()
            for key in ["start", "end"] { if let date = value[key]?.stringValue.flatMap(date) { period[key] = .string(date) } }
            return period.isEmpty ? nil : .object(period)
        case .address:
            let addresses = (value.arrayValue ?? []).compactMap { address -> JSON? in
                var kept = JSONObject()
                if let zip = address["postalCode"]?.stringValue.flatMap(limitedDataSet ? SafeHarbor.zip5 : profile.zip3) {
                    kept["postalCode"] = .string(zip)
                }
                if limitedDataSet, let city = address["city"]?.stringValue, city.utf8.count <= 64 { kept["city"] = .string(city) }
                for key in ["state", "country"] {
                    if let text = address[key]?.stringValue, text.utf8.count <= 3 { kept[key] = .string(text) }
                }
                return kept.isEmpty ? nil : .object(kept)
            }
            return addresses.isEmpty ? nil : .array(addresses)
        case .components:
            let components = (value.arrayValue ?? []).compactMap { component -> JSON? in
                guard let code = component["code"].flatMap({ transform($0, .concept) }) else { return nil }
                var kept: JSONObject = ["code": code]
                if let quantity = component["valueQuantity"].flatMap({ transform($0, .quantity) }) { kept["valueQuantity"] = quantity }
                if let concept = component["valueCodeableConcept"].flatMap({ transform($0, .concept) }) { kept["valueCodeableConcept"] = concept }
                return kept.count > 1 ? .object(kept) : nil
            }
            return components.isEmpty ? nil : .array(components)
        }
    }

    /// A coding's system and code, when both are there and the system is a known code system.
    private func coding(_ value: JSON) -> JSON? {
        guard let system = value["system"]?.stringValue, let code = value["code"]?.stringValue, Self.isCodeSystem(system), Self.isCode(code)
        else { return nil }
        return ["system": .string(system), "code": .string(code)]
    }

    static let ucum = "http://unitsofmeasure.org"

    /// The code systems whose codes leave: a system is a URI anyone can write, so only these.
    static let codeSystems: Set<String> = [
        "http://loinc.org", "http://snomed.info/sct", ucum, "http://www.nlm.nih.gov/research/umls/rxnorm",
        "http://dicom.nema.org/resources/ontology/DCM", "http://www.whocc.no/atc", "urn:iso:std:iso:11073-10101", "urn:ietf:bcp:47",
        "urn:vigil:observation", "urn:vigil:device-metric", "urn:vigil:score",
    ]
    /// Families of code systems whose codes leave: HL7's (`sid/cvx`, `sid/icd-10`, …) and its terminology.
    static let codeSystemFamilies = ["http://hl7.org/fhir/", "http://terminology.hl7.org/CodeSystem/"]

    /// Whether `system` is a code system whose codes leave: one listed, one of a listed family, or an OID.
    static func isCodeSystem(_ system: String) -> Bool {
        codeSystems.contains(system) || codeSystemFamilies.contains { system.hasPrefix($0) && system.utf8.count <= 96 }
            || (system.hasPrefix("urn:oid:") && system.dropFirst(8).allSatisfy { $0 == "." || $0.isASCII && $0.isNumber })
    }

    /// A date or dateTime as it may leave: its year, or whole in a limited data set.
    private func date(_ text: String) -> String? {
        guard let year = SafeHarbor.year(text) else { return nil }
        return limitedDataSet ? text : year
    }

    /// Whether `text` can be a code: short and without spaces. Anything else may be free text.
    private static func isCode(_ text: String) -> Bool { text.utf8.count <= 64 && !text.contains(" ") }

    private func many(_ value: JSON, _ element: Element) -> JSON? {
        let kept = (value.arrayValue ?? []).compactMap { transform($0, element) }
        return kept.isEmpty ? nil : .array(kept)
    }
}
