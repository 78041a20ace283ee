import VigilClinical
import VigilCore

/// The board (`GET /api/board`): the patients a person may see, most urgent first (``Urgency``),
/// each with their open alerts, early-warning score and trend, and latest vitals with their age.
///
/// Vitals and scores come from the analysis's per-patient state (built from the store when a
/// patient has none yet); with the rules off, from the patient's readings of the freshness window.
struct Board {
    let runtime: VigilRuntime

    /// One patient's line.
    struct Line {
        /// The patient's id.
        var patient: String
        var alerts: [Alert]
        var latest: [String: PatientState.Latest]
        var score: ScoreRecord?
        var trend: Trend?
        var urgency: Urgency
        /// The patient's age and SpO2 scale, as the analysis knows them (nil with the rules off).
        var context: PatientContext?
    }

    /// The ranked lines of up to `limit` patients in `scope` (their records are not read: a page
    /// of lines is shown with ``patients(of:)``).
    func lines(scope: FHIRSearchQuery.Scope, limit: Int) async throws -> [Line] {
        let (patients, runtimes) = try await patientsAndStates(scope: scope, limit: limit)
        try await runtime.alerts.load()
        var alerts: [String: [Alert]] = [:]
        for alert in runtime.alerts.openAlerts(patients: Set(patients)) { alerts[alert.patient, default: []].append(alert) }
        var lines: [Line] = patients.map { patient in
            let state = runtimes[patient]?.state
            let score = state?.scores[.news2] ?? state?.scores[.pews]
            let trend = score.flatMap { Trend(state?.scoreTotals[$0.kind] ?? []) }
            let open = alerts[patient] ?? []
            return Line(
                patient: patient, alerts: open, latest: state?.latest ?? [:], score: score, trend: trend,
                urgency: Urgency(openAlerts: open, score: score?.total, trend: trend), context: runtimes[patient]?.context)
        }
        lines.sort { $0.urgency.isMoreUrgent(than: $1.urgency) }
        return lines
    }

    /// The Patient resources of some lines, by id.
    func patients(of lines: some Collection<Line>) async throws -> [String: JSON] {
        guard !lines.isEmpty else { return [:] }
        let found = try await runtime.store.search(FHIRSearchQuery(type: .patient, ids: lines.map(\.patient), count: lines.count)).resources
        return Dictionary(found.map { ($0.id, $0.json) }, uniquingKeysWith: { first, _ in first })
    }

    /// The patients in scope, by id, with their rule states and contexts. A person's scope names
    /// their patients already, and the analysis knows which of them exist; otherwise (an
    /// administrator, or the rules off) a search finds them.
    private func patientsAndStates(
        scope: FHIRSearchQuery.Scope, limit: Int
    ) async throws -> ([String], [String: (state: PatientState, context: PatientContext?)]) {
        if let analysis = runtime.analysis, case .compartments(let compartments, _) = scope {
            let named = AccessScope(compartments: compartments).patients.sorted().prefix(limit)
            let runtimes = try await analysis.snapshot(Array(named))
            return (named.filter { runtimes[$0]?.recorded == true }, runtimes.mapValues { ($0.state, $0.context) })
        }
        let patients = try await runtime.store.searchIDs(FHIRSearchQuery(type: .patient, sort: [.init("_id")], count: limit, scope: scope))
        return (patients, try await states(patients))
    }

    private func states(_ patients: [String]) async throws -> [String: (state: PatientState, context: PatientContext?)] {
        if let analysis = runtime.analysis { return try await analysis.snapshot(patients).mapValues { ($0.state, $0.context) } }
        let since = runtime.clock.now() - Int64(runtime.policy.freshnessSeconds) * 1000
        var states: [String: PatientState] = [:]
        for stored in try await runtime.store.readings(patients: patients, since: since, before: nil) {
            states[stored.reading.patient, default: PatientState()].record(ClinicalObservation(stored))
        }
        return states.mapValues { ($0, nil) }
    }
}
