import Foundation
import VigilClinical
import VigilCore

/// The public-health page's values: the screening sites with today's figures, their signal and
/// open alert, and their epidemic curves; a cohort's counts by area and age band; the exposure
/// search and its answer.
enum PublicHealthPage {
    /// One screening site's card.
    static func site(
        _ site: ScreeningSite, name: String, days: [ScreeningSeries.Day], alert: Alert?, user: UserAccount, csrf: String
    ) -> [String: Any] {
        let today = days.last
        var card: [String: Any] = [
            "id": site.id, "name": name, "cutOff": SVGChart.number(site.cutOff), "screened": String(today?.screened ?? 0),
            "febrile": String(today?.febrile ?? 0), "share": share(today), "signal": days.suffix(2).contains(where: \.signal),
            "curve": EpidemicCurve.svg(days, site: name),
        ]
        if let problem = site.problem { card["problem"] = problem }
        if let alert {
            var shown: [String: Any] = [
                "id": String(alert.id), "message": alert.message, "status": alert.status.rawValue, "csrf": csrf,
                "canAcknowledge": user.role == .publicHealth && !alert.acknowledgements.contains { $0.by == "user/\(user.username)" },
            ]
            shown["canResolve"] = user.role == .publicHealth
            card["alert"] = shown
        }
        return card
    }

    static func share(_ day: ScreeningSeries.Day?) -> String {
        guard let day, day.screened > 0 else { return "–" }
        return String(format: "%.1f %%", Double(day.febrile) / Double(day.screened) * 100)
    }

    /// A cohort's counts by area and age band, as table rows.
    static func counts(_ report: CohortTally) -> [String: Any] {
        func text(_ count: CohortReport.Count) -> String {
            switch count {
            case .exact(let n): String(n)
            case .suppressed: "<11"
            }
        }
        return [
            "name": report.definition.name, "version": report.definition.version, "total": text(report.total),
            "rows": report.cells.map { ["area": $0.area, "ageBand": $0.ageBand, "count": text($0.count)] },
        ]
    }

    /// The answer of an exposure search, as lists.
    static func exposures(_ found: ExposureSearch.Found, _ asked: ExposureRequest) -> [String: Any] {
        func time(_ milliseconds: Int64) -> String { FHIRDateTime.instant(milliseconds: milliseconds) }
        return [
            "index": "Patient/\(asked.index)", "reason": asked.reason,
            "contacts": found.contacts.map {
                [
                    "patient": $0.patient, "minutes": String($0.minutes), "first": time($0.first), "last": time($0.last),
                    "places": $0.places.joined(separator: ", "),
                ]
            },
            "places": found.visits.map { ["place": $0.place, "minutes": String($0.minutes), "first": time($0.first), "last": time($0.last)] },
            "cases": found.cases.map { ["patient": $0.patient, "places": $0.places.joined(separator: ", ")] },
            "noContacts": found.contacts.isEmpty, "noCases": found.cases.isEmpty,
        ]
    }
}
