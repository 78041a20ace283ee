import VigilClinical
import VigilCore

/// Reads a screening site's days from the store: its settings (``ScreeningSite``, from its
/// Location) and, per UTC day, screened, febrile at its cut-off, EARS and CUSUM
/// (``ScreeningSeries``), as both the analysis and `GET /api/screening` see them.
struct ScreeningReader: Sendable {
    let store: any VigilStore
    var watch = ScreeningWatch()

    static let day: Int64 = 86_400_000

    /// The site `id` and its days from the one `count` days before the day holding `end` through
    /// that day. The statistics are computed over at least the watch's window, so that a day shows
    /// the CUSUM the watch saw (a sum depends on where it starts).
    func days(site id: String, through end: Int64, count: Int) async throws -> (site: ScreeningSite, days: [ScreeningSeries.Day]) {
        let location = try await store.resource(.location, id: id)
        let site = ScreeningSite(id: id, location: location?.isDeleted == false ? location?.json : nil)
        let from = (end / Self.day - Int64(max(count, watch.window))) * Self.day
        let events = try await store.screenings(site: id, from: from, to: end + 1)
        let days = ScreeningSeries.days(
            events.map { .init(time: $0.time, celsius: $0.celsius) }, cutOff: site.cutOff, from: from, to: end, ears: watch.ears, cusum: watch.cusum)
        return (site, Array(days.suffix(count + 1)))
    }
}
