import Hummingbird
import VigilClinical
import VigilCore

/// `GET /public-health` (public health and administrators): the screening sites with today's
/// figures, their signals and open alerts, and each site's epidemic curve; a cohort's counts by
/// area and age band (`?cohort=NAME`); and, for public health, the exposure search, whose form
/// (`POST /public-health/exposures`) asks for the purpose and answers on the page. Audited as
/// the API's routes are.
struct PublicHealthPageRoutes {
    let runtime: VigilRuntime
    /// The cohorts the page offers (those that need no vaccine named).
    static let cohorts = ["influenza", "covid-19", "measles"]

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/public-health", .session) { request, context in
                let cohort = request.uri.queryParameters["cohort"].map(String.init) ?? Self.cohorts[0]
                return try await page(context, cohort: cohort)
            },
            VigilRoute(.post, "/public-health/exposures", .session) { request, context in
                var request = request
                let form = try await URLEncodedForm(request: &request)
                var body: JSONObject = [:]
                for name in ["index", "from", "to", "reason", "condition"] {
                    if let value = form[name]?.trimmingWhitespace(), !value.isEmpty { body[name] = .string(value) }
                }
                for name in ["distanceMeters", "minutes"] {
                    if let value = form[name].flatMap(Double.init) { body[name] = name == "minutes" ? .integer(Int64(value)) : .double(value) }
                }
                var filled: [String: Any] = [:]
                for member in body { filled[member.key] = member.value.stringValue ?? member.value.text }
                do {
                    let asked = try ExposureRequest(.object(body))
                    let found = try await runtime.traceExposures(asked, by: context.principal, client: context.clientAddress)
                    return try await page(context, cohort: Self.cohorts[0], form: filled, exposures: PublicHealthPage.exposures(found, asked))
                } catch let error as VigilError where [.invalid, .notFound].contains(error.code) {
                    return try await page(context, cohort: Self.cohorts[0], form: filled, error: error.message, status: .badRequest)
                }
            },
        ]
    }

    private func page(
        _ context: VigilRequestContext, cohort: String, form: [String: Any] = [:], exposures: [String: Any]? = nil, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let user = try context.requireUser()
        guard user.role == .publicHealth || user.role == .admin, let principal = context.principal else {
            return DashboardPages.seeOther(DashboardRoutes.home(of: user))
        }
        let csrf = context.session?.state.csrf ?? ""
        let now = runtime.clock.now()
        var sites: [[String: Any]] = []
        for id in try await runtime.store.screeningSites() {
            let (site, days) = try await ScreeningReader(store: runtime.store).days(site: id, through: now, count: ScreeningWatch().window)
            let name = try await runtime.store.resource(.location, id: id)?.json["name"]?.stringValue ?? "Location/\(id)"
            let alert = runtime.alerts.openAlert(patient: Alert.noPatient, key: ScreeningWatch.key(site: id))
            sites.append(PublicHealthPage.site(site, name: name, days: days, alert: alert, user: user, csrf: csrf))
        }
        try await runtime.audit([
            runtime.auditEvent(principal, client: context.clientAddress, action: .read, resource: "public-health", detail: "\(sites.count) sites")
        ])
        let chosen = Self.cohorts.contains(cohort) ? cohort : Self.cohorts[0]
        let definition = try runtime.cohorts.definition(named: chosen, vaccines: [])
        let report = try await runtime.cohortCounts(definition, at: now, by: principal, client: context.clientAddress)
        var values: [String: Any] = [
            "sites": sites, "anySites": !sites.isEmpty, "cohort": PublicHealthPage.counts(report), "csrf": csrf,
            "cohorts": Self.cohorts.map { ["name": $0, "selected": $0 == chosen] }, "tracer": user.role == .publicHealth, "form": form,
        ]
        if let exposures { values["exposures"] = exposures }
        if let error { values["error"] = error }
        return DashboardPages.page("publichealth", title: "Public health", values: values, user: user, csrf: csrf, status: status)
    }
}
