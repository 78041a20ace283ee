/// The error every Vigil layer throws when a request cannot be carried out.
///
/// The ``Code`` says what kind of failure it is (the server maps it to an HTTP status, an HL7
/// acknowledgement code or an MQTT nack); the ``issues`` say what exactly was wrong and where,
/// in the shape of a FHIR `OperationOutcome`.
///
/// ```swift
/// throw VigilError(.unprocessable, "value 900 is outside the plausible range 0...350 for 8867-4",
///                  expression: "readings[3].value")
/// ```
public struct VigilError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes are new static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// The FHIR `issue-type` an issue of this code carries unless it says otherwise.
        public let issueType: String

        public init(_ name: String, issueType: String) {
            self.name = name
            self.issueType = issueType
        }

        public var description: String { name }

        /// The request is malformed (not JSON, wrong shape, bad parameter).
        public static let invalid = Code("invalid", issueType: "invalid")
        /// No credentials, or credentials that are not valid.
        public static let unauthenticated = Code("unauthenticated", issueType: "login")
        /// The principal's role does not allow this kind of request at all.
        public static let forbidden = Code("forbidden", issueType: "forbidden")
        /// The target does not exist, or the principal may not know that it exists.
        public static let notFound = Code("not-found", issueType: "not-found")
        /// The method is not supported on this target.
        public static let methodNotAllowed = Code("method-not-allowed", issueType: "not-supported")
        /// The request conflicts with the current state (an id already taken, a concurrent update).
        public static let conflict = Code("conflict", issueType: "conflict")
        /// The target existed and was deleted.
        public static let gone = Code("gone", issueType: "deleted")
        /// A precondition (`If-Match`) did not hold.
        public static let preconditionFailed = Code("precondition-failed", issueType: "conflict")
        /// The body, batch or nesting exceeds a limit.
        public static let tooLarge = Code("too-large", issueType: "too-costly")
        /// The client accepts only answers in formats the server does not write.
        public static let notAcceptable = Code("not-acceptable", issueType: "not-supported")
        /// The body is in a format the server does not read.
        public static let unsupportedMediaType = Code("unsupported-media-type", issueType: "not-supported")
        /// The request is well formed but breaks a rule (a reference to nothing, an implausible value).
        public static let unprocessable = Code("unprocessable", issueType: "processing")
        /// Too many requests from this client; retry later.
        public static let tooManyRequests = Code("too-many-requests", issueType: "throttled")
        /// The server cannot take the request now (queue full, shutting down); retry later.
        public static let unavailable = Code("unavailable", issueType: "transient")
        /// A fault inside the server.
        public static let `internal` = Code("internal", issueType: "exception")
    }

    /// One thing that was wrong, and where.
    public struct Issue: Sendable, Equatable {
        public enum Severity: String, Sendable { case fatal, error, warning, information }

        public var severity: Severity
        /// A FHIR `issue-type` code (`invalid`, `required`, `value`, `not-found`, …).
        public var type: String
        /// A human-readable explanation. Never holds patient data or secrets.
        public var diagnostics: String
        /// Where in the input the problem is (a FHIRPath such as `Patient.birthDate`, or `readings[3]`).
        public var expression: String?

        public init(severity: Severity = .error, type: String, diagnostics: String, expression: String? = nil) {
            self.severity = severity
            self.type = type
            self.diagnostics = diagnostics
            self.expression = expression
        }
    }

    public var code: Code
    public var issues: [Issue]
    /// Seconds after which a retry may succeed (for ``Code/tooManyRequests`` and ``Code/unavailable``).
    public var retryAfter: Int?

    public init(_ code: Code, _ message: String, expression: String? = nil, issueType: String? = nil, retryAfter: Int? = nil) {
        self.code = code
        self.issues = [Issue(type: issueType ?? code.issueType, diagnostics: message, expression: expression)]
        self.retryAfter = retryAfter
    }

    public init(_ code: Code, issues: [Issue], retryAfter: Int? = nil) {
        precondition(!issues.isEmpty, "an error carries at least one issue")
        self.code = code
        self.issues = issues
        self.retryAfter = retryAfter
    }

    /// The first issue's explanation.
    public var message: String { issues[0].diagnostics }

    public var description: String {
        let where_ = issues[0].expression.map { " at \($0)" } ?? ""
        let more = issues.count > 1 ? " (and \(issues.count - 1) more)" : ""
        return "\(code): \(message)\(where_)\(more)"
    }
}
