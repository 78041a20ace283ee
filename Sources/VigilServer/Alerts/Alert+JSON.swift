import VigilCore

extension Alert {
    /// The alert as the API shows it (docs/clinical.md, API).
    var json: JSON {
        var object: JSONObject = [
            "id": .integer(id),
            "kind": .string(kind),
            "condition": .string(key),
            "priority": .string(priority.rawValue),
            "status": .string(status.rawValue),
            "escalation": .integer(escalation),
            "raised": .string(FHIRDateTime.instant(milliseconds: raised)),
            "updated": .string(FHIRDateTime.instant(milliseconds: updated)),
            "message": .string(message),
            "values": values,
            "acknowledgements": .array(
                acknowledgements.map { ack in
                    var item: JSONObject = ["by": .string(ack.by), "at": .string(FHIRDateTime.instant(milliseconds: ack.at))]
                    if let level = ack.level { item["level"] = .integer(Int64(level)) }
                    return .object(item)
                }),
        ]
        if isPublicHealth {
            object["location"] = place.map(JSON.string) ?? .null
        } else {
            object["patient"] = .string("Patient/\(patient)")
        }
        if let resolution {
            var resolved: JSONObject = ["reason": .string(resolution.reason), "at": .string(FHIRDateTime.instant(milliseconds: resolution.at))]
            if let by = resolution.by { resolved["by"] = .string(by) }
            object["resolution"] = .object(resolved)
        }
        return .object(object)
    }
}

extension AlertHistoryEntry {
    var json: JSON {
        var object: JSONObject = ["kind": .string(kind.rawValue), "at": .string(FHIRDateTime.instant(milliseconds: at))]
        if let actor { object["by"] = .string(actor) }
        if let detail { object["detail"] = .string(detail) }
        if !recipients.isEmpty { object["notified"] = .array(recipients.map { .string($0) }) }
        return .object(object)
    }
}
