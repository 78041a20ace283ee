/// A literal reference to a resource on this server: `Patient/123`.
public struct FHIRReference: Sendable, Hashable, CustomStringConvertible {
    public let type: String
    public let id: String

    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }

    /// Parses `Type/id`, `Type/id/_history/v`, or an absolute URL ending in one of those.
    /// Returns nil for anything else (`urn:uuid:`, `#contained`, a bare id).
    public init?(_ text: String) {
        var parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count >= 4, parts[parts.count - 2] == "_history" { parts.removeLast(2) }
        guard parts.count >= 2 else { return nil }
        let type = String(parts[parts.count - 2]), id = String(parts[parts.count - 1])
        guard let first = type.first, first.isUppercase, type.allSatisfy({ $0.isLetter }), FHIRID.isValid(id) else { return nil }
        if parts.count > 2 {
            // Absolute: scheme://host/.../Type/id
            guard text.hasPrefix("http://") || text.hasPrefix("https://") else { return nil }
        }
        self.type = type
        self.id = id
    }

    /// Reads `patient=` style search and path values: `123` (with the given default type),
    /// `Patient/123` or an absolute URL.
    public init?(searchValue text: String, defaultType: String?) {
        if let reference = FHIRReference(text) {
            self = reference
        } else if let defaultType, FHIRID.isValid(text) {
            self.init(type: defaultType, id: text)
        } else {
            return nil
        }
    }

    public var description: String { "\(type)/\(id)" }

    /// This reference as a FHIR `Reference` element.
    public var json: JSON { .object(JSONObject([("reference", .string(description))])) }
}

/// The rules of FHIR logical ids.
public enum FHIRID {
    /// Whether `text` is a valid FHIR id (`[A-Za-z0-9\-\.]{1,64}`).
    public static func isValid(_ text: String) -> Bool { FHIRPrimitiveCheck.isID(text) }

    /// Whether an id is of the form device readings have (all digits); such Observation ids are
    /// assigned by the server and never by clients.
    public static func isReadingID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Refuses, with the reason, an id a client may not choose: all digits for an Observation.
    public static func requireClientAssignable(_ id: String, type: FHIRResourceType) throws(VigilError) {
        if type == .observation && isReadingID(id) {
            throw VigilError(
                .invalid, "Observation ids of digits only are the device readings'; choose an id with a letter or a dash (obs-\(id))",
                expression: "Observation.id")
        }
    }
}
