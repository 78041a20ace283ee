public import VigilCore

extension ClinicalObservation {
    /// What the rules read in a FHIR Observation: its value (a quantity, a level of consciousness,
    /// a respiratory effort) and each component with a code they read (the systolic pressure of a
    /// blood-pressure panel). Codes come from LOINC, SNOMED CT (consciousness) or Vigil's systems.
    /// - Throws: ``VigilError/Code/unprocessable`` when a code the rules read has a value they
    ///   cannot read: a level or effort that maps to none, a quantity in a unit they do not take, a
    ///   number written as text, or no time. Such an observation is refused, never stored and
    ///   silently left out of a score (or scored as normal).
    public static func interpret(observation json: JSON, id: String) throws(VigilError) -> [ClinicalObservation] {
        guard json["status"]?.stringValue.map({ ["final", "amended", "corrected", "preliminary"].contains($0) }) ?? false else { return [] }
        var elements: [(code: String, element: JSON, path: String)] = []
        if let code = code(of: json["code"]), ClinicalCodes.ruleInputs.contains(code) { elements.append((code, json, "Observation")) }
        for (index, component) in (json["component"]?.arrayValue ?? []).enumerated() {
            if let code = code(of: component["code"]), ClinicalCodes.ruleInputs.contains(code) {
                elements.append((code, component, "Observation.component[\(index)]"))
            }
        }
        guard !elements.isEmpty else { return [] }
        let time =
            (json["effectiveDateTime"] ?? json["effectiveInstant"] ?? json["effectivePeriod"]?["start"])?.stringValue
            .flatMap(FHIRDateTime.init)?.lowerBound ?? json["issued"]?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound
        guard let time else {
            throw VigilError(
                .unprocessable,
                "an observation the scores read needs effectiveDateTime (when it was measured)", expression: "Observation.effective")
        }
        let device = json["device"]?["reference"]?.stringValue.flatMap(FHIRReference.init).map(\.id)
        var observations: [ClinicalObservation] = []
        for (code, element, path) in elements {
            if let value = try value(of: element, code: code, path: path) {
                observations.append(ClinicalObservation(code: code, value: value, time: time, id: id, device: device))
            }
        }
        return observations
    }

    /// ``interpret(observation:id:)`` of a stored Observation, nothing when it cannot be read (it
    /// was stored before the rule that refuses it).
    public static func from(observation json: JSON, id: String) -> [ClinicalObservation] {
        (try? interpret(observation: json, id: id)) ?? []
    }

    private static func code(of concept: JSON?) -> String? {
        let codings = concept?["coding"]?.arrayValue ?? []
        func code(in system: String) -> String? { codings.first { $0["system"]?.stringValue == system }?["code"]?.stringValue }
        if let loinc = code(in: CodeDefinition.loinc) { return loinc }
        if let snomed = code(in: "http://snomed.info/sct"), ClinicalCodes.consciousness.contains(snomed) { return snomed }
        return code(in: ClinicalCodes.vigilObservationSystem) ?? code(in: ClinicalCodes.deviceMetricSystem)
    }

    /// The value of an element with a code the rules read; nil when none is recorded (a
    /// `dataAbsentReason`).
    private static func value(of element: JSON, code: String, path: String) throws(VigilError) -> Value? {
        if ClinicalCodes.consciousness.contains(code) {
            return try answer(of: element, path: path, accepted: ACVPU.acceptedDescription, what: "level of consciousness") {
                $1 == nil ? ACVPU(recorded: $0) : ACVPU(code: $0, system: $1)
            }.map(Value.consciousness)
        }
        if code == ClinicalCodes.respiratoryEffort {
            return try answer(of: element, path: path, accepted: PEWS.RespiratoryEffort.acceptedDescription, what: "respiratory effort") {
                text, _ in PEWS.RespiratoryEffort(recorded: text)
            }.map(Value.respiratoryEffort)
        }
        let units = CodeCatalog.standard.definition(of: code).map { $0.units.keys.sorted() } ?? []
        let expected = "\(code) is read as valueQuantity in \(units.joined(separator: " or "))"
        guard let quantity = element["valueQuantity"] else {
            if let other = element.objectValue?.keys.first(where: { $0.hasPrefix("value") }) {
                throw VigilError(.unprocessable, "\(expected), not \(other)", expression: "\(path).\(other)")
            }
            return nil
        }
        guard let number = quantity["value"]?.doubleValue else {
            throw VigilError(.unprocessable, "\(expected); valueQuantity.value is missing", expression: "\(path).valueQuantity.value")
        }
        guard let unit = quantity["code"]?.stringValue ?? quantity["unit"]?.stringValue, units.contains(unit) else {
            throw VigilError(.unprocessable, expected, expression: "\(path).valueQuantity.code")
        }
        return .quantity(number, unit: unit)
    }

    /// A coded or text answer, read by `read(code or text, system)`.
    private static func answer<T>(
        of element: JSON, path: String, accepted: String, what: String, read: (String, String?) -> T?
    ) throws(VigilError) -> T? {
        if let concept = element["valueCodeableConcept"] {
            for coding in concept["coding"]?.arrayValue ?? [] {
                if let code = coding["code"]?.stringValue, let value = read(code, coding["system"]?.stringValue ?? "") { return value }
            }
            if let text = concept["text"]?.stringValue, let value = read(text, nil) { return value }
            let written = concept["coding"]?[0]?["code"]?.stringValue ?? concept["text"]?.stringValue ?? ""
            throw VigilError(
                .unprocessable,
                "the \(what) '\(written)' is not one Vigil reads; it accepts \(accepted)", expression: "\(path).valueCodeableConcept")
        }
        if let text = element["valueString"]?.stringValue {
            guard let value = read(text, nil) else {
                throw VigilError(
                    .unprocessable, "the \(what) '\(text)' is not one Vigil reads; it accepts \(accepted)", expression: "\(path).valueString")
            }
            return value
        }
        if let other = element.objectValue?.keys.first(where: { $0.hasPrefix("value") }) {
            throw VigilError(.unprocessable, "a \(what) is read as valueCodeableConcept or valueString, not \(other)", expression: "\(path).\(other)")
        }
        return nil
    }
}

extension PatientContext {
    /// Extension URLs a CarePlan uses to set a patient's thresholds (documented in docs/clinical.md).
    public enum CarePlanExtension {
        public static let threshold = "urn:vigil:fhir:threshold"
        public static let news2Scale = "urn:vigil:fhir:news2-scale"
        public static let peakFlowBest = "urn:vigil:fhir:peak-flow-best"
    }

    /// The context of a patient from their Patient resource and their active CarePlans (the
    /// newest plan wins where two set the same thing).
    public static func from(patient: JSON?, carePlans: [JSON]) -> PatientContext {
        var context = PatientContext()
        context.birth = patient?["birthDate"]?.stringValue.flatMap(Birth.init(fhirDate:))
        let active = carePlans.filter { $0["status"]?.stringValue == "active" }
            .sorted { ($0["meta"]?["lastUpdated"]?.stringValue ?? "") < ($1["meta"]?["lastUpdated"]?.stringValue ?? "") }
        var rules: [String: ThresholdRule] = [:]
        for plan in active {
            for ext in plan["extension"]?.arrayValue ?? [] {
                switch ext["url"]?.stringValue {
                case CarePlanExtension.news2Scale:
                    if let scale = ext["valueInteger"]?.int64Value.flatMap({ NEWS2.Scale(rawValue: Int($0)) }) { context.news2Scale = scale }
                case CarePlanExtension.peakFlowBest:
                    if let best = ext["valueQuantity"]?["value"]?.doubleValue, best > 0 { context.peakFlowBest = best }
                case CarePlanExtension.threshold:
                    if let rule = thresholdRule(ext) { rules[rule.id] = rule }
                default:
                    continue
                }
            }
        }
        context.thresholdRules = rules.values.sorted { $0.id < $1.id }
        return context
    }

    /// A threshold rule from its extension: `id`, `code`, `unit`, `below` or `above`, `clear`,
    /// `seconds`, `priority`, `message`.
    static func thresholdRule(_ ext: JSON) -> ThresholdRule? {
        var parts: [String: JSON] = [:]
        for part in ext["extension"]?.arrayValue ?? [] {
            guard let url = part["url"]?.stringValue, let member = part.objectValue?.members.first(where: { $0.key.hasPrefix("value") }) else {
                continue
            }
            parts[url] = member.value
        }
        guard let id = parts["id"]?.stringValue, let code = parts["code"]?.stringValue, let unit = parts["unit"]?.stringValue,
            let priority = parts["priority"]?.stringValue.flatMap(Priority.init(rawValue:))
        else { return nil }
        let direction: ThresholdRule.Direction
        let limit: Double
        if let below = parts["below"]?.doubleValue {
            (direction, limit) = (.below, below)
        } else if let above = parts["above"]?.doubleValue {
            (direction, limit) = (.above, above)
        } else {
            return nil
        }
        return ThresholdRule(
            id: id, codes: [code], unit: unit, direction: direction, limit: limit, clearAt: parts["clear"]?.doubleValue ?? limit,
            sustainedSeconds: Int(parts["seconds"]?.int64Value ?? 0), priority: priority,
            message: parts["message"]?.stringValue ?? "\(code) \(direction.rawValue) \(limit) \(unit)"
        )
    }
}
