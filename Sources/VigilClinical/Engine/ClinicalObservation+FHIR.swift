public import VigilCore

extension ClinicalObservation {
    /// The observations the rules can read in a stored FHIR Observation: its value (a quantity, or
    /// a coded/text consciousness level), and for a blood-pressure panel its systolic component.
    /// Codes are taken from LOINC codings, or SNOMED CT for the consciousness level.
    public static func from(observation json: JSON, id: String) -> [ClinicalObservation] {
        guard json["status"]?.stringValue.map({ ["final", "amended", "corrected", "preliminary"].contains($0) }) ?? false else { return [] }
        let time =
            (json["effectiveDateTime"] ?? json["effectiveInstant"] ?? json["effectivePeriod"]?["start"])?.stringValue
            .flatMap(FHIRDateTime.init)?.lowerBound ?? json["issued"]?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound
        guard let time else { return [] }
        let device = json["device"]?["reference"]?.stringValue.flatMap(FHIRReference.init).map(\.id)
        var results: [ClinicalObservation] = []
        if let code = code(of: json["code"]), let value = value(of: json) {
            results.append(ClinicalObservation(code: code, value: value, time: time, id: id, device: device))
        }
        for component in json["component"]?.arrayValue ?? [] {
            if let code = code(of: component["code"]), code == ClinicalCodes.systolicBP, let value = value(of: component) {
                results.append(ClinicalObservation(code: code, value: value, time: time, id: id, device: device))
            }
        }
        return results
    }

    private static func code(of concept: JSON?) -> String? {
        let codings = concept?["coding"]?.arrayValue ?? []
        if let loinc = codings.first(where: { $0["system"]?.stringValue == CodeDefinition.loinc })?["code"]?.stringValue { return loinc }
        if let snomed = codings.first(where: { $0["system"]?.stringValue == "http://snomed.info/sct" })?["code"]?.stringValue,
            ClinicalCodes.consciousness.contains(snomed)
        {
            return snomed
        }
        return codings.first(where: { $0["system"]?.stringValue == ClinicalCodes.deviceMetricSystem })?["code"]?.stringValue
    }

    private static func value(of json: JSON) -> Value? {
        if let quantity = json["valueQuantity"], let value = quantity["value"]?.doubleValue,
            let unit = quantity["code"]?.stringValue ?? quantity["unit"]?.stringValue
        {
            return .quantity(value, unit: unit)
        }
        if let text = json["valueString"]?.stringValue { return .text(text) }
        if let concept = json["valueCodeableConcept"] {
            if let code = concept["coding"]?[0]?["code"]?.stringValue { return .text(code) }
            if let text = concept["text"]?.stringValue { return .text(text) }
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
    public static func from(patient: JSON?, carePlans: [JSON], now: Int64) -> PatientContext {
        var context = PatientContext()
        if let birth = patient?["birthDate"]?.stringValue.flatMap(FHIRDateTime.init) {
            context.ageInMonths = max(0, ClinicalEngine.ageInMonths(birth: birth.lowerBound, now: now))
        }
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
