import Hummingbird
import VigilClinical
import VigilCore

/// `GET /api/screening?location=Location/ID`: a fever-screening site's days (public health and
/// administrators; nobody's identity is in them): per UTC day, screened, febrile at the site's
/// cut-off, EARS C1, C2, C3 and the CUSUM on the febrile counts, and whether anything signals.
///
/// Parameters: `location` (required), `date=YYYY-MM-DD` (the last day; default today) and `days`
/// (how many days before it; default 27, at most 366).
struct ScreeningRoutes {
    let runtime: VigilRuntime
    static let defaultDays = ScreeningWatch().window
    static let maxDays = 366

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/api/screening") { request, context in
                guard let principal = context.principal else { throw VigilError(.unauthenticated, "sign in first") }
                guard let role = principal.user?.role, role == .publicHealth || role == .admin else {
                    throw VigilError(.forbidden, "screening sites are for public health and administrators")
                }
                let options = try Options(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, now: runtime.clock.now())
                let resource = "Location/\(options.site)/screening"
                guard let location = try await runtime.store.resource(.location, id: options.site), !location.isDeleted else {
                    try await runtime.audit([
                        runtime.auditEvent(
                            principal, client: context.clientAddress, action: .read, resource: resource, outcome: .minorFailure, detail: "not found")
                    ])
                    throw VigilError(.notFound, "Location/\(options.site) was not found", expression: "location")
                }
                let (site, days) = try await ScreeningReader(store: runtime.store).days(site: options.site, through: options.end, count: options.days)
                try await runtime.audit([
                    runtime.auditEvent(principal, client: context.clientAddress, action: .read, resource: resource, detail: "\(days.count) days")
                ])
                var answer: JSONObject = [
                    "location": .string("Location/\(site.id)"), "cutOff": ["value": .double(site.cutOff), "unit": "Cel"],
                    "days": .array(days.map(\.json)),
                ]
                if let problem = site.problem { answer["problem"] = .string(problem) }
                return FHIRJSON.response(.object(answer), mediaType: FHIRJSON.jsonMediaType)
            }
        ]
    }

    /// The query's parameters, checked.
    struct Options {
        var site = ""
        /// The last millisecond of the last day.
        var end: Int64
        var days = ScreeningRoutes.defaultDays

        init(_ parameters: [(String, String)], now: Int64) throws {
            end = now
            for (name, value) in parameters {
                switch name {
                case "location":
                    guard let reference = FHIRReference(value.hasPrefix("Location/") ? value : "Location/\(value)"), reference.type == "Location"
                    else { throw VigilError(.invalid, "location takes Location/ID", expression: "location") }
                    site = reference.id
                case "date":
                    guard let parsed = FHIRDateTime(value), parsed.precision == .day else {
                        throw VigilError(.invalid, "date takes a day, YYYY-MM-DD", expression: "date")
                    }
                    end = parsed.upperBound
                case "days":
                    guard let number = Int(value), (0...ScreeningRoutes.maxDays).contains(number) else {
                        throw VigilError(.invalid, "days takes a whole number from 0 to \(ScreeningRoutes.maxDays)", expression: "days")
                    }
                    days = number
                default:
                    throw VigilError(.invalid, "unknown parameter \(name); screening takes location, date and days", expression: name)
                }
            }
            guard !site.isEmpty else { throw VigilError(.invalid, "location is required: location=Location/ID", expression: "location") }
        }
    }
}
