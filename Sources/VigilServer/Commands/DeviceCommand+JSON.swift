import VigilCore

extension DeviceCommand {
    /// The command as the API shows it, with its history.
    var json: JSON {
        var object: JSONObject = [
            "id": .integer(id), "device": .string("Device/\(device)"), "command": .string(name), "parameters": parametersJSON,
            "state": .string(state.rawValue), "requestedBy": .string(requestedBy), "created": .string(FHIRDateTime.instant(milliseconds: created)),
            "deadline": .string(FHIRDateTime.instant(milliseconds: deadline)), "attempts": .integer(Int64(attempts)),
            "history": .array(
                history.map { step in
                    var entry: JSONObject = [
                        "state": .string(step.state.rawValue), "at": .string(FHIRDateTime.instant(milliseconds: step.at)), "by": .string(step.actor),
                    ]
                    if let detail = step.detail { entry["detail"] = .string(detail) }
                    return .object(entry)
                }),
        ]
        if let patient { object["patient"] = .string("Patient/\(patient)") }
        if let confirmedBy { object["confirmedBy"] = .string(confirmedBy) }
        if let proposal { object["proposal"] = .string(proposal) }
        if let reason { object["reason"] = .string(reason) }
        return .object(object)
    }

    /// What the device is sent, on its commands topic or when it fetches: the id it answers with
    /// and executes once, and the deadline after which it must not start.
    var message: JSON {
        [
            "id": .integer(id), "command": .string(name), "parameters": parametersJSON,
            "deadline": .string(FHIRDateTime.instant(milliseconds: deadline)),
        ]
    }
}
