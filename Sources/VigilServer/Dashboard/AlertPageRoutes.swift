import Hummingbird
import VigilCore

/// The alert inbox: `GET /alerts`, and its forms `POST /alerts/{id}/ack` and
/// `POST /alerts/{id}/resolve` (with a reason), which act as the signed-in person exactly as the
/// API's routes do (public health on the alerts about places, from its page) and come back to the
/// person's home page.
struct AlertPageRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/alerts", .session) { request, context in
                let user = try context.requireUser()
                let access = try await runtime.alertViewer(context.principal)
                let alerts = try await runtime.store.alerts(AlertQuery(statuses: [.active, .acknowledged], patients: access.patients, limit: 500))
                var histories: [Int64: [AlertHistoryEntry]] = [:]
                for alert in alerts { histories[alert.id] = try await runtime.store.alertHistory(id: alert.id) }
                let patients = Set(alerts.map(\.patient)).sorted()
                try await runtime.auditReads(
                    access.principal, client: context.clientAddress, patients: patients, resource: "alerts", empty: "0 results")
                let records = try await runtime.store.search(FHIRSearchQuery(type: .patient, ids: patients, count: max(patients.count, 1))).resources
                let names = Dictionary(
                    records.compactMap { record in Board.Line.name(of: record.json).map { (record.id, $0) } }, uniquingKeysWith: { first, _ in first }
                )
                let csrf = context.session?.state.csrf ?? ""
                return DashboardPages.page(
                    "alerts", title: "Alerts",
                    values: AlertsPage.values(
                        alerts, histories: histories, names: names, user: user, csrf: csrf, now: runtime.clock.now(),
                        focus: request.uri.queryParameters["alert"].flatMap { Int64(String($0)) }),
                    user: user, csrf: csrf)
            },
            VigilRoute(.post, "/alerts/:id/ack", .session) { _, context in
                let access = try await runtime.alertReader(context.principal)
                let alert = try await runtime.visibleAlert(try context.parameters.require("id"), access: access, client: context.clientAddress)
                let user = try access.requireAlertViewer()
                _ = try await runtime.alerts.acknowledge(alert.id, by: user, client: context.clientAddress)
                return DashboardPages.seeOther(Self.back(user))
            },
            VigilRoute(.post, "/alerts/:id/resolve", .session) { request, context in
                var request = request
                let access = try await runtime.alertReader(context.principal)
                let alert = try await runtime.visibleAlert(try context.parameters.require("id"), access: access, client: context.clientAddress)
                let reason = try await URLEncodedForm(request: &request)["reason"]?.trimmingWhitespace() ?? ""
                guard !reason.isEmpty, reason.count <= 2000 else {
                    throw VigilError(.invalid, "resolving an alert needs a reason (at most 2,000 characters)")
                }
                let user = try access.requireAlertViewer()
                _ = try await runtime.alerts.resolve(alert.id, reason: reason, by: user, client: context.clientAddress)
                return DashboardPages.seeOther(Self.back(user))
            },
        ]
    }

    /// Where a form comes back to: the inbox, or public health's page.
    static func back(_ user: UserAccount) -> String { user.role == .publicHealth ? "/public-health" : "/alerts" }
}
