extension VigilError {
    /// This error as a FHIR R4 OperationOutcome.
    public var operationOutcome: JSON {
        .object([
            "resourceType": "OperationOutcome",
            "issue": .array(issues.map(\.json)),
        ])
    }
}

extension VigilError.Issue {
    var json: JSON {
        var object: JSONObject = [
            "severity": .string(severity.rawValue),
            "code": .string(type),
            "diagnostics": .string(diagnostics),
        ]
        if let expression { object["expression"] = [.string(expression)] }
        return .object(object)
    }
}

/// Builders for the OperationOutcome of a success with information.
public enum OperationOutcome {
    /// An OperationOutcome with one informational issue.
    public static func information(_ message: String) -> JSON {
        .object([
            "resourceType": "OperationOutcome",
            "issue": [["severity": "information", "code": "informational", "diagnostics": .string(message)]],
        ])
    }
}
