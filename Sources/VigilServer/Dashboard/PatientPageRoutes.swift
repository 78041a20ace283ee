import Hummingbird
import VigilClinical
import VigilCore

/// `GET /patients/{id}?hours=24&view=all|cardiology|respiratory|endocrinology`: one patient's
/// record on one page. Vital signs charted over the period with alert and score markers, and the
/// treatments (MedicationStatement, Procedure) shaded on the same time axis; test results,
/// imaging studies, conditions, immunizations, care team and devices. A patient the person may
/// not see is 404, as through FHIR. Audited as a read of the patient.
struct PatientPageRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/patients/:id", .session) { request, context in
                let user = try context.requireUser()
                let access = try await runtime.alertViewer(context.principal)
                let id = try context.parameters.require("id")
                guard access.canSee(patient: id), let record = try await runtime.store.resource(.patient, id: id) else {
                    try await runtime.audit([
                        runtime.auditEvent(
                            access.principal, client: context.clientAddress, action: .read, resource: "Patient/\(id)", outcome: .minorFailure,
                            detail: "not found")
                    ])
                    throw VigilError(.notFound, "patient \(id) was not found")
                }
                let hours = request.uri.queryParameters["hours"].flatMap { Int($0) }.flatMap { PatientPage.periods.contains($0) ? $0 : nil } ?? 24
                let view = PatientPage.views.first { $0.id == request.uri.queryParameters["view"].map(String.init) } ?? PatientPage.views[0]
                try await runtime.audit([
                    runtime.auditEvent(
                        access.principal, client: context.clientAddress, patient: id, action: .read, resource: "Patient/\(id)", detail: "page")
                ])
                let values = try await values(of: id, record: record.json, hours: hours, view: view, showingFixes: user.role == .admin)
                return DashboardPages.page(
                    "patient", title: Board.Line.name(of: record.json) ?? "Patient", values: values, user: user, csrf: context.session?.state.csrf)
            }
        ]
    }

    private func search(_ type: FHIRResourceType, _ id: String, _ parameters: [(name: String, value: String)] = []) async throws -> [JSON] {
        let query = try FHIRSearchQuery.parse(type: type, parameters: [("patient", id), ("_count", "200")] + parameters)
        return try await runtime.store.search(query).resources.map(\.json)
    }

    private func values(of id: String, record: JSON, hours: Int, view: PatientPage.View, showingFixes: Bool) async throws -> [String: Any] {
        let now = runtime.clock.now()
        let start = now - Int64(hours) * 3_600_000
        let since = FHIRDateTime.instant(milliseconds: start)
        let readings = try await runtime.store.readings(patients: [id], since: start, before: nil)
        let alerts = try await runtime.store.alerts(AlertQuery(patient: id, limit: 500)).filter { $0.raised >= start || $0.status != .resolved }
        let scores = try await search(.observation, id, [("code", "http://snomed.info/sct|1104051000000101"), ("date", "ge" + since)])
        let medications = try await search(.medicationStatement, id)
        let procedures = try await search(.procedure, id)
        let spans =
            medications.compactMap { m in
                PatientPage.span(m, "effectivePeriod", now: now).map {
                    SVGChart.Span(start: $0.0, end: $0.1, label: "Medication: " + PatientPage.text(m["medicationCodeableConcept"]))
                }
            }
            + procedures.compactMap { p in
                (PatientPage.span(p, "performedPeriod", now: now) ?? PatientPage.span(p, "performedDateTime", now: now))
                    .map { SVGChart.Span(start: $0.0, end: $0.1, label: "Procedure: " + PatientPage.text(p["code"])) }
            }
        // The charts' common time axis: the period, or from the first reading when the record is younger.
        let axisStart = max(start, readings.first?.reading.time ?? start)
        let markers = alerts.map {
            SVGChart.Marker(
                time: $0.raised, label: "\($0.priority.rawValue): \($0.message)", kind: $0.priority.rawValue, name: BoardPage.alertName($0.kind))
        }
        // Each vital is read against the policy's table for this patient's age and SpO2 scale.
        let context = try await runtime.analysis?.snapshot([id])[id]?.context
        var charts: [[String: Any]] = []
        for code in view.codes {
            let points = readings.filter { $0.reading.code == code }.map { (time: $0.reading.time, value: $0.reading.value) }
            guard !points.isEmpty else { continue }
            let label = PatientPage.chartLabels[code] ?? BoardPage.labels[code] ?? code
            let unit = readings.first { $0.reading.code == code }?.reading.unit ?? ""
            let chart = SVGChart(
                title: label, unit: BoardPage.unit(unit), points: SVGChart.downsample(points, start: axisStart, end: now), start: axisStart,
                end: now, markers: markers, spans: spans,
                range: VitalRange(code: code, unit: unit, context: context, record: record, now: now, policy: runtime.policy))
            charts.append([
                "title": label, "unit": chart.unit, "latest": points.last.map { $0.value.formattedForPage } ?? "", "svg": chart.svg,
            ])
        }
        let scorePoints = scores.compactMap { score -> (time: Int64, value: Double)? in
            guard let time = score["effectiveDateTime"]?.stringValue.flatMap(FHIRDateTime.init),
                let total = score["valueQuantity"]?["value"]?.doubleValue
            else { return nil }
            return (time.lowerBound, total)
        }.sorted { $0.time < $1.time }
        if view.id != "endocrinology", !scorePoints.isEmpty {
            let chart = SVGChart(
                title: "NEWS2", unit: "score", points: scorePoints, start: axisStart, end: now, markers: markers, spans: spans, stepped: true)
            charts.append(["title": "NEWS2", "unit": "score", "latest": scorePoints.last.map { $0.value.formattedForPage } ?? "", "svg": chart.svg])
        }
        let reports = try await search(.diagnosticReport, id).map { report -> [String: Any] in
            [
                "date": PatientPage.date(report, ["effectiveDateTime", "effectivePeriod", "issued"], now: now),
                "name": PatientPage.text(report["code"]),
                "status": report["status"]?.stringValue ?? "", "conclusion": report["conclusion"]?.stringValue ?? "",
            ]
        }
        let imaging = try await search(.imagingStudy, id).map { study -> [String: Any] in
            let modalities = (study["modality"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue }
            var item: [String: Any] = [
                "date": PatientPage.date(study, ["started"], now: now), "modality": modalities.isEmpty ? "—" : modalities.joined(separator: ", "),
                "description": study["description"]?.stringValue ?? "",
                "where": study["endpoint"]?[0]?["display"]?.stringValue ?? study["endpoint"]?[0]?["reference"]?.stringValue ?? "not given",
                "report": study["note"]?[0]?["text"]?.stringValue ?? "",
            ]
            // Counts not recorded are left out, not shown as "?".
            item["series"] = study["numberOfSeries"]?.numberText
            item["instances"] = study["numberOfInstances"]?.numberText
            return item
        }
        let treatments =
            medications.map { m -> [String: Any] in
                [
                    "kind": "Medication", "name": PatientPage.text(m["medicationCodeableConcept"]),
                    "when": PatientPage.date(m, ["effectivePeriod", "effectiveDateTime"], now: now),
                    "detail": m["dosage"]?[0]?["text"]?.stringValue ?? "",
                    "status": m["status"]?.stringValue ?? "",
                ]
            }
            + procedures.map { p -> [String: Any] in
                [
                    "kind": "Procedure", "name": PatientPage.text(p["code"]),
                    "when": PatientPage.date(p, ["performedDateTime", "performedPeriod"], now: now),
                    "detail": "", "status": p["status"]?.stringValue ?? "",
                ]
            }
        let conditions = try await search(.condition, id).map {
            ["name": PatientPage.text($0["code"]), "status": PatientPage.text($0["clinicalStatus"])]
        }
        let immunizations = try await search(.immunization, id).map {
            [
                "name": PatientPage.text($0["vaccineCode"]), "date": PatientPage.date($0, ["occurrenceDateTime"], now: now),
                "status": $0["status"]?.stringValue ?? "",
            ]
        }
        let team = try await runtime.careTeamContacts(patient: id, at: now, showingFixes: showingFixes)
        let lastSeen = Dictionary(readings.map { ($0.reading.key.device, $0.reading.time) }, uniquingKeysWith: max)
        let devices = try await search(.device, id).map { device -> [String: Any] in
            let deviceID = device["id"]?.stringValue ?? ""
            return [
                "id": deviceID, "name": device["deviceName"]?[0]?["name"]?.stringValue ?? deviceID, "status": device["status"]?.stringValue ?? "",
                "lastSeen": lastSeen[deviceID].map { BoardPage.ago(seconds: max(0, (now - $0) / 1000)) } ?? "nothing in this period",
            ]
        }
        let commands = try await runtime.store.commands(CommandQuery(patients: [id], limit: 20)).map { command -> [String: Any] in
            [
                "id": String(command.id), "command": command.name, "device": command.device, "state": command.state.rawValue,
                "reason": command.reason ?? "",
                "parameters": command.parameters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.formattedForPage)" }.joined(separator: ", "),
                "steps": command.history.map { step -> [String: Any] in
                    ["at": SiteTime.current.moment(step.at, now: now), "state": step.state.rawValue, "by": step.actor, "detail": step.detail ?? ""]
                },
            ]
        }
        var values: [String: Any] = [
            "id": id, "name": Board.Line.name(of: record) ?? "Patient/\(id)", "gender": record["gender"]?.stringValue ?? "",
            "hours": String(hours), "viewName": view.name, "zone": SiteTime.current.zoneName(at: now), "charts": charts, "reports": reports,
            "imaging": imaging, "treatments": treatments,
            "conditions": conditions, "immunizations": immunizations, "team": team, "devices": devices,
            "commands": commands,
            "views": PatientPage.views.map { ["id": $0.id, "name": $0.name, "current": $0.id == view.id, "hours": String(hours), "patient": id] },
            "periods": PatientPage.periods.map { ["hours": String($0), "current": $0 == hours, "view": view.id, "patient": id] },
        ]
        if let birth = record["birthDate"]?.stringValue.flatMap(FHIRDateTime.init) {
            values["age"] = "\((now - birth.lowerBound) / 31_557_600_000) y"
        }
        return values
    }
}

extension Double {
    /// `72`, `37.4`.
    var formattedForPage: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}
