import Synchronization
import VigilClinical
import VigilCore

extension AnalysisService {
    /// Reads again, once a second, the days of every site that screened since (``ScreeningWatch``),
    /// and hands what they call for to the alert center: a `screening-cluster` alert for public
    /// health, not tied to any patient.
    func watchScreeningSites() async throws {
        let sites = state.withLock { state in
            defer { state.screened = [] }
            return state.screened
        }
        guard !sites.isEmpty else { return }
        var outputs: [(patient: String, output: EngineOutput)] = []
        for site in sites.sorted() {
            let (_, days) = try await ScreeningReader(store: store, watch: screeningWatch).days(
                site: site, through: clock.now(), count: screeningWatch.window)
            let key = ScreeningWatch.key(site: site)
            let open = alerts.openAlert(patient: Alert.noPatient, key: key) != nil
            let resolved =
                open
                ? nil : try await store.latestAlert(patient: Alert.noPatient, key: key)?.resolution.map { FHIRDateTime.date(milliseconds: $0.at) }
            if let output = screeningWatch.output(site: site, days: days, isOpen: open, resolvedOn: resolved) {
                outputs.append((Alert.noPatient, output))
            }
        }
        await alerts.handle(outputs)
    }
}
