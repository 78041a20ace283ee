import Hummingbird
import VigilClinical
import VigilCore

/// `GET /school`: the school nurse's view of her pupils (a parent sees their child the same way):
/// each pupil's current glucose with its trend arrow or peak flow with its zone, their action
/// plans, open alerts, and who to call. Audited as a read of each pupil shown. Ward staff are
/// sent to their board.
struct SchoolPageRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/school", .session) { _, context in
                let user = try context.requireUser()
                guard user.role.seesPupils else { return DashboardPages.seeOther("/board") }
                let access = try await runtime.alertViewer(context.principal)
                let patients = try await runtime.store.searchIDs(
                    FHIRSearchQuery(type: .patient, sort: [.init("_id")], count: 500, scope: access.searchScope(for: .patient)))
                try await runtime.auditReads(
                    access.principal, client: context.clientAddress, patients: patients, resource: "school", empty: "0 pupils")
                var pupils: [[String: Any]] = []
                for id in patients { pupils.append(try await pupil(id, showingFixes: user.role == .admin)) }
                // Most urgent first, then by name; those who need attention set apart.
                pupils.sort {
                    let (a, b) = ($0["attention"] as? Int ?? 0, $1["attention"] as? Int ?? 0)
                    return a != b ? a > b : ($0["name"] as? String ?? "") < ($1["name"] as? String ?? "")
                }
                let urgent = pupils.filter { ($0["attention"] as? Int ?? 0) > 0 }, well = pupils.filter { ($0["attention"] as? Int ?? 0) == 0 }
                return DashboardPages.page(
                    "school", title: "Pupils",
                    values: [
                        "urgent": urgent, "well": well, "any": !pupils.isEmpty, "anyUrgent": !urgent.isEmpty, "anyWell": !well.isEmpty,
                        "count": String(pupils.count), "urgentCount": String(urgent.count), "wellCount": String(well.count),
                    ], user: user, csrf: context.session?.state.csrf)
            }
        ]
    }

    private func search(_ type: FHIRResourceType, _ parameters: [(name: String, value: String)]) async throws -> [JSON] {
        try await runtime.store.search(try FHIRSearchQuery.parse(type: type, parameters: parameters + [("_count", "50")])).resources.map(\.json)
    }

    /// One pupil's card, with its `attention`: 3 for an open high-priority alert, a glucose below
    /// level 2 or a red zone; 2 for a medium alert, a low or high glucose; 1 for a low alert or a
    /// yellow zone; 0 when all is well.
    private func pupil(_ id: String, showingFixes: Bool) async throws -> [String: Any] {
        let now = runtime.clock.now()
        let policy = runtime.policy
        let record = try await runtime.store.resource(.patient, id: id)?.json
        let plans = try await search(.carePlan, [("patient", id), ("status", "active")])
        let context = PatientContext.from(patient: record, carePlans: plans)
        let readings = try await runtime.store.readings(patients: [id], since: now - 3 * 3_600_000, before: nil)
        var card: [String: Any] = ["id": id, "name": record.flatMap(Board.Line.name(of:)) ?? "Patient/\(id)"]
        var attention = 0
        let glucose = readings.filter { policy.glucose.codes.contains($0.reading.code) }.compactMap { stored in
            Glucose.milligramsPerDeciliter(stored.reading.value, unit: stored.reading.unit).map {
                Glucose.Sample(time: stored.reading.time, mgdl: $0)
            }
        }
        if let latest = glucose.last {
            let window = glucose.filter { $0.time >= latest.time - Int64(policy.glucose.windowMinutes * 60_000) }
            let direction = Glucose.slope(window).map(Glucose.Direction.init(slope:))
            // Read against the glucose levels as the board reads them.
            let code = readings.last { policy.glucose.codes.contains($0.reading.code) }?.reading.code ?? ""
            let mark = VitalRange(code: code, unit: "mg/dL", context: context, ageInMonths: nil, policy: policy)?.mark(latest.mgdl)
            let level = mark?.side.rawValue ?? "in range"
            attention = max(attention, mark.map { $0.severity == .severe ? 3 : 2 } ?? 0)
            card["glucose"] = [
                "value": String(Int(latest.mgdl.rounded())), "arrow": direction?.arrow ?? "?", "direction": BoardPage.words(direction),
                "level": level, "ago": BoardPage.ago(seconds: max(0, (now - latest.time) / 1000)),
            ]
        }
        if let best = context.peakFlowBest, let flow = readings.last(where: { $0.reading.code == policy.asthma.peakFlowCode }) {
            let zone = PeakFlow.zone(flow: flow.reading.value, best: best, policy: policy.asthma)
            attention = max(attention, zone == .red ? 3 : zone == .yellow ? 1 : 0)
            card["peakFlow"] = [
                "value": flow.reading.value.formattedForPage, "zone": zone.rawValue,
                "percent": String(Int((flow.reading.value / best * 100).rounded())),
                "ago": BoardPage.ago(seconds: max(0, (now - flow.reading.time) / 1000)),
            ]
        }
        card["plans"] = plans.map { plan -> [String: Any] in
            // The plan's steps: each activity's description, or what its code says.
            let steps = (plan["activity"]?.arrayValue ?? []).compactMap { activity in
                activity["detail"]?["description"]?.stringValue ?? activity["detail"]?["code"].map(PatientPage.text)
            }
            return [
                "title": plan["title"]?.stringValue ?? "Care plan", "description": plan["description"]?.stringValue ?? "", "steps": steps,
                "hasSteps": !steps.isEmpty,
            ]
        }
        let alerts = try await runtime.store.alerts(AlertQuery(statuses: [.active, .acknowledged], patient: id, limit: 50))
        card["alerts"] = alerts.sorted { $0.priority > $1.priority }.map { alert -> [String: Any] in
            [
                "priority": alert.priority.rawValue, "symbol": BoardPage.symbol(alert.priority.rawValue), "message": alert.message,
                "ago": BoardPage.ago(seconds: max(0, (now - alert.raised) / 1000)),
            ]
        }
        attention = max(attention, alerts.map { $0.priority == .high ? 3 : $0.priority == .medium ? 2 : 1 }.max() ?? 0)
        card["attention"] = attention
        card["contacts"] = try await runtime.careTeamContacts(patient: id, at: now, showingFixes: showingFixes)
        return card
    }
}
