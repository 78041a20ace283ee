import VigilCore

/// The patient page's views: which vital signs each specialty opens on, and how the record's
/// resources read as lines.
enum PatientPage {
    /// A specialty's view: its name and the codes it charts, in order.
    struct View {
        let id: String
        let name: String
        let codes: [String]
    }

    static let views = [
        View(id: "all", name: "All vitals", codes: ["8867-4", "9279-1", "59408-5", "8480-6", "8310-5", "99504-3", "19935-6"]),
        View(id: "cardiology", name: "Cardiology", codes: ["8867-4", "8480-6", "8462-4"]),
        View(id: "respiratory", name: "Respiratory", codes: ["59408-5", "9279-1", "19935-6"]),
        View(id: "endocrinology", name: "Endocrinology", codes: ["99504-3", "2339-0"]),
    ]

    /// The periods a page can show, in hours.
    static let periods = [6, 24, 72, 168]

    /// The text of a CodeableConcept: its text, or its first coding's display or code.
    static func text(_ concept: JSON?) -> String {
        concept?["text"]?.stringValue ?? concept?["coding"]?[0]?["display"]?.stringValue ?? concept?["coding"]?[0]?["code"]?.stringValue ?? "—"
    }

    /// The first of several date elements a resource may carry, as people read it: a moment in
    /// the site's time zone (`14:05` today, `Sat 5 Dec 14:05` another day), a date as recorded.
    static func date(_ resource: JSON, _ elements: [String], now: Int64, time: SiteTime = .current) -> String {
        for element in elements {
            guard let text = resource[element]?.stringValue ?? resource[element]?["start"]?.stringValue else { continue }
            guard text.contains("T"), let moment = FHIRDateTime(text) else { return text }
            return time.moment(moment.lowerBound, now: now)
        }
        return "—"
    }

    /// Chart titles where the board's short label would mislead (its "BP" shows both pressures).
    static let chartLabels = ["8480-6": "Systolic BP", "8462-4": "Diastolic BP"]

    /// A time span of a treatment (its period, or a moment shown as an hour), in milliseconds.
    static func span(_ resource: JSON, _ element: String, now: Int64) -> (Int64, Int64)? {
        if let text = resource[element]?.stringValue, let moment = FHIRDateTime(text) { return (moment.lowerBound, moment.lowerBound + 3_600_000) }
        guard let start = resource[element]?["start"]?.stringValue.flatMap(FHIRDateTime.init) else { return nil }
        let end = resource[element]?["end"]?.stringValue.flatMap(FHIRDateTime.init)?.upperBound ?? now
        return (start.lowerBound, end)
    }
}
