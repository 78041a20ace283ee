import Foundation
import VigilClinical
import VigilCore

/// The ward board as the page shows it: each patient's line from `GET /api/board`'s JSON, with
/// priority in words and a shape as well as a colour, ages of vitals in words, stale values marked,
/// blood pressure as one value, and values outside the normal range flagged in words and colour.
enum BoardPage {
    /// The shape beside each priority (IEC 60601-1-8 asks for more than colour).
    static func symbol(_ priority: String?) -> String {
        switch priority {
        case "high": "▲"
        case "medium": "◆"
        case "low": "●"
        default: "○"
        }
    }

    static func levelText(_ priority: String?) -> String {
        switch priority {
        case "high": "High priority"
        case "medium": "Medium priority"
        case "low": "Low priority"
        default: "No open alert"
        }
    }

    /// Short names of the codes a line shows.
    static let labels: [String: String] = [
        "8867-4": "HR", "9279-1": "RR", "59408-5": "SpO2", "2708-6": "SpO2", "8480-6": "BP", "8462-4": "Dia BP", "8310-5": "Temp",
        "99504-3": "Glucose", "2339-0": "Glucose", "19935-6": "Peak flow", "41950-7": "Steps", "93832-4": "Sleep", "battery-level": "Battery",
    ]

    /// An alert's kind as a short name: `NEWS2`, `glucose low`.
    static func alertName(_ kind: String) -> String {
        ["news2": "NEWS2", "pews": "PEWS", "qsofa": "qSOFA"][kind] ?? kind.replacingOccurrences(of: "-", with: " ")
    }

    static let arrows: [String: String] = ["rising": "↑", "falling": "↓", "stable": "→"]

    /// UCUM units as people write them.
    static func unit(_ ucum: String) -> String {
        ["mm[Hg]": "mmHg", "Cel": "°C", "[degF]": "°F", "/d": "/day", "{score}": "score"][ucum] ?? ucum
    }

    /// A glucose trend in words.
    static func words(_ direction: Glucose.Direction?) -> String {
        switch direction {
        case .doubleUp: "rising fast"
        case .singleUp: "rising"
        case .fortyFiveUp: "rising slowly"
        case .flat: "steady"
        case .fortyFiveDown: "falling slowly"
        case .singleDown: "falling"
        case .doubleDown: "falling fast"
        case .notComputable, nil: "trend unknown"
        }
    }

    /// "just now", "4 min ago", "3 h ago", "2 d ago".
    static func ago(seconds: Int64) -> String {
        switch seconds {
        case ..<60: "just now"
        case ..<3600: "\(seconds / 60) min ago"
        case ..<86_400: "\(seconds / 3600) h ago"
        default: "\(seconds / 86_400) d ago"
        }
    }

    /// How far back the sparklines reach.
    static let sparklineHours: Int64 = 6

    /// The template's values for a board page (`Board.page` JSON), with sparklines drawn from
    /// `recent` (the shown patients' readings of the last ``sparklineHours``).
    static func values(_ board: JSON, recent: [StoredReading] = [], now: Int64) -> [String: Any] {
        var series: [String: [(time: Int64, value: Double)]] = [:]
        for stored in recent {
            series["\(stored.reading.patient)|\(stored.reading.code)", default: []].append((stored.reading.time, stored.reading.value))
        }
        let start = now - sparklineHours * 3_600_000
        let patients: [[String: Any]] = (board["patients"]?.arrayValue ?? []).map { line in
            let top = line["alerts"]?["top"]?.stringValue
            let reference = line["patient"]?.stringValue ?? ""
            var item: [String: Any] = [
                "rank": line["rank"]?.int64Value ?? 0, "id": String(reference.dropFirst("Patient/".count)),
                "name": line["name"]?.stringValue ?? reference, "level": top ?? "none", "symbol": symbol(top), "levelText": levelText(top),
            ]
            if let birth = line["birthDate"]?.stringValue.flatMap(FHIRDateTime.init) {
                item["age"] = "\((now - birth.lowerBound) / 31_557_600_000) y"
            }
            item["alerts"] = (line["alerts"]?["items"]?.arrayValue ?? []).map { alert -> [String: Any] in
                let raised = alert["raised"]?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound ?? now
                return [
                    "priority": alert["priority"]?.stringValue ?? "", "symbol": symbol(alert["priority"]?.stringValue),
                    "message": alert["message"]?.stringValue ?? "", "status": alert["status"]?.stringValue ?? "",
                    "ago": ago(seconds: max(0, (now - raised) / 1000)),
                ]
            }
            if let score = line["score"] {
                item["score"] = [
                    "kind": score["kind"]?.stringValue == "pews" ? "PEWS" : "NEWS2", "total": score["total"]?.int64Value ?? 0,
                    "band": score["band"]?.stringValue ?? "", "trend": score["trend"]?.stringValue ?? "",
                    "arrow": arrows[score["trend"]?.stringValue ?? ""] ?? "",
                ]
            }
            let vitals = line["vitals"]?.arrayValue ?? []
            let diastolic = vitals.first { $0["code"] == .string(diastolicCode) }
            item["vitals"] = vitals.filter { $0["code"] != .string(diastolicCode) || !vitals.contains { $0["code"] == .string(systolicCode) } }.map {
                vital -> [String: Any] in
                let code = vital["code"]?.stringValue ?? ""
                let id = String(reference.dropFirst("Patient/".count))
                var value = vital["value"]?.numberText ?? ""
                // One "BP 125/81" (its label), systolic first, as a chart reads.
                if code == systolicCode { value += "/" + (diastolic?["value"]?.numberText ?? "–") }
                var shown: [String: Any] = [
                    "spark": SVGChart.sparkline(series["\(id)|\(code)"] ?? [], start: start, end: now),
                    "label": labels[code] ?? vital["display"]?.stringValue ?? code, "value": value,
                    "unit": unit(vital["unit"]?.stringValue ?? ""), "stale": vital["stale"]?.boolValue == true,
                    "ago": ago(seconds: vital["ageSeconds"]?.int64Value ?? 0), "severity": "normal",
                ]
                if let flag = vital["flag"], let side = flag["side"]?.stringValue, let severity = flag["severity"]?.stringValue {
                    shown["severity"] = severity
                    shown["flag"] = flagValues(side: side, severity: severity, points: flag["points"]?.int64Value)
                }
                return shown
            }
            return item
        }
        let generated = board["generated"]?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound ?? now
        return [
            "patients": patients, "total": board["total"]?.int64Value ?? 0,
            "generated": "\(SiteTime.current.clock(generated, seconds: true)) \(SiteTime.current.zoneName(at: generated))",
        ]
    }

    static let systolicCode = "8480-6", diastolicCode = "8462-4"

    /// A value outside the normal range, in words as well as colour: `high 3`, `low` (glucose,
    /// which has levels, not points).
    static func flagValues(side: String, severity: String, points: Int64?) -> [String: Any] {
        let words = side == "low" ? "below the normal range" : "above the normal range"
        let title = points.map { "\($0) point\($0 == 1 ? "" : "s") on the early-warning score: \(words)" } ?? words
        return ["severity": severity, "text": points.map { "\(side) \($0)" } ?? side, "title": title]
    }
}
