extension StoredReading {
    /// The tag system under which a reading's flags appear in `Observation.meta.tag`.
    public static let flagSystem = "urn:vigil:reading-flag"

    /// This reading as a FHIR R4 Observation.
    ///
    /// `issued` carries the server's receive time; `effectiveDateTime` the device's measurement
    /// time; `identifier` the producer key.
    public func observation(catalog: CodeCatalog = .standard) -> JSON {
        let r = reading
        let definition = catalog.definition(of: r.code)
        var meta: JSONObject = ["versionId": "1", "lastUpdated": .string(FHIRDateTime.instant(milliseconds: r.received))]
        if r.flags.contains(.futureTimestamp) {
            meta["tag"] = [["system": .string(Self.flagSystem), "code": "future-timestamp", "display": "device time ahead of server time"]]
        }
        var coding: JSONObject = ["system": .string(definition?.system ?? CodeDefinition.loinc), "code": .string(r.code)]
        if let display = definition?.display { coding["display"] = .string(display) }
        var object: JSONObject = [
            "resourceType": "Observation",
            "id": .string(String(id)),
            "meta": .object(meta),
            "identifier": [["system": .string(ProducerKey.system), "value": .string(r.key.description)]],
            "status": "final",
        ]
        if let category = definition?.category {
            object["category"] = [["coding": [["system": .string(CodeDefinition.observationCategory), "code": .string(category)]]]]
        }
        object["code"] = ["coding": [.object(coding)]]
        object["subject"] = FHIRReference(type: "Patient", id: r.patient).json
        object["effectiveDateTime"] = .string(FHIRDateTime.instant(milliseconds: r.time))
        object["issued"] = .string(FHIRDateTime.instant(milliseconds: r.received))
        object["valueQuantity"] = [
            "value": .double(r.value), "unit": .string(r.unit), "system": .string(CodeDefinition.ucum), "code": .string(r.unit),
        ]
        object["device"] = FHIRReference(type: "Device", id: r.key.device).json
        return .object(object)
    }
}
