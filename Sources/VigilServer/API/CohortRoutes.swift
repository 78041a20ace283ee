import HTTPTypes
import Hummingbird
import VigilClinical
import VigilCore

/// `GET /api/cohorts/{name}`: an outbreak cohort (``CohortDefinition``) on a day.
///
/// - Care roles: the members among their patients, ranked; administrators: among everyone. As
///   JSON, as CSV (`_format=csv`, an outreach list) or as a FHIR Group (`_format=fhir`); audited
///   per patient shown.
/// - Public health: counts by area and age band, cells under 11 suppressed; no identities.
/// - Researchers and devices: 403.
///
/// Parameters: `vaccine=SYSTEM|CODE[,…]` (a bare code is CVX; required by
/// `unvaccinated-high-risk`, replaces the counted vaccines of the others), `date=YYYY-MM-DD`
/// (the day ages and doses are read on; default today), `_count` (default 1,000, at most
/// 100,000) and `_offset` for members.
struct CohortRoutes {
    let runtime: VigilRuntime
    static let defaultCount = 1000
    static let maxCount = 100_000
    static let cvx = "http://hl7.org/fhir/sid/cvx"

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/api/cohorts/:name") { request, context in
                guard let principal = context.principal else { throw VigilError(.unauthenticated, "sign in first") }
                let access = try await AccessControl.resolve(principal, runtime: runtime)
                guard let role = access.user?.role, role == .admin || role == .publicHealth || role.isCareRole else {
                    throw VigilError(.forbidden, "cohorts are for care roles, administrators and public health")
                }
                let name = try context.parameters.require("name")
                let options = try Options(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, now: runtime.clock.now())
                let definition = try runtime.cohorts.definition(named: name, vaccines: options.vaccines)
                let counts = role == .publicHealth
                if counts && options.format != "json" {
                    throw VigilError(.forbidden, "public health sees counts, not outreach lists", expression: "_format")
                }
                if counts {
                    let report = try await runtime.cohortCounts(definition, at: options.day, by: principal, client: context.clientAddress)
                    return FHIRJSON.response(report.countsJSON(on: options.date), mediaType: FHIRJSON.jsonMediaType)
                }
                let records = try await runtime.store.population(definition.query(at: options.day, panel: access.patients))
                let report = CohortReport(definition: definition, records: records, at: options.day)
                let resource = "cohort/\(definition.name)"
                let shown = report.members.dropFirst(options.offset).prefix(options.count).map(\.patient)
                try await runtime.auditReads(principal, client: context.clientAddress, patients: shown, resource: resource, empty: "0 members")
                switch options.format {
                case "csv":
                    let body = report.csv(offset: options.offset, count: options.count)
                    var headers = HTTPFields()
                    headers[.contentType] = "text/csv; charset=utf-8"
                    headers[.contentDisposition] = "attachment; filename=\"\(definition.name)-\(options.date).csv\""
                    return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(string: body)))
                case "fhir":
                    return FHIRJSON.response(report.group(on: options.date, offset: options.offset, count: options.count))
                default:
                    return FHIRJSON.response(
                        report.membersJSON(on: options.date, offset: options.offset, count: options.count), mediaType: FHIRJSON.jsonMediaType)
                }
            }
        ]
    }

    /// The query's parameters, checked.
    struct Options {
        var vaccines: [ValueSetCode] = []
        /// The day, as `YYYY-MM-DD`, and its last millisecond.
        var date: String
        var day: Int64
        var format = "json"
        var count = CohortRoutes.defaultCount
        var offset = 0

        init(_ parameters: [(String, String)], now: Int64) throws {
            date = FHIRDateTime.date(milliseconds: now)
            day = now
            for (name, value) in parameters {
                switch name {
                case "vaccine":
                    for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                        let parts = item.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                        let (system, code) = parts.count == 2 ? (parts[0], parts[1]) : (CohortRoutes.cvx, parts[0])
                        guard !system.isEmpty, !code.isEmpty else {
                            throw VigilError(.invalid, "vaccine takes SYSTEM|CODE[,…] (a bare code is CVX)", expression: "vaccine")
                        }
                        vaccines.append(ValueSetCode(system: system, code: code))
                    }
                case "date":
                    guard let parsed = FHIRDateTime(value), parsed.precision == .day else {
                        throw VigilError(.invalid, "date takes a day, YYYY-MM-DD", expression: "date")
                    }
                    (date, day) = (value, parsed.upperBound)
                case "_format":
                    guard ["json", "csv", "fhir"].contains(value) else {
                        throw VigilError(.invalid, "_format is json, csv or fhir", expression: "_format")
                    }
                    format = value
                case "_count", "_offset":
                    guard let number = Int(value), number >= 0 else { throw VigilError(.invalid, "\(name) takes a whole number", expression: name) }
                    if name == "_count" { count = min(number, CohortRoutes.maxCount) } else { offset = number }
                default:
                    throw VigilError(.invalid, "unknown parameter \(name); cohorts take vaccine, date, _format, _count and _offset", expression: name)
                }
            }
        }
    }
}
