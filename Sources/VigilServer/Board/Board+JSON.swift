import VigilClinical
import VigilCore

extension Board.Line {
    /// The line as `GET /api/board` shows it, with the patient's record (name, birth date); vitals are `stale` when older than the freshness
    /// window of the policy (for codes with an expected cadence, than the silence the device checks allow), and carry a `flag` when
    /// outside the policy's normal range for the patient's age (``VitalRange``).
    func json(rank: Int, record: JSON?, now: Int64, policy: ClinicalPolicy, catalog: CodeCatalog) -> JSON {
        var object: JSONObject = ["rank": .integer(rank), "patient": .string("Patient/\(patient)")]
        if let record, let name = Self.name(of: record) { object["name"] = .string(name) }
        if let birthDate = record?["birthDate"]?.stringValue { object["birthDate"] = .string(birthDate) }
        var summary: JSONObject = [
            "open": .integer(alerts.count), "unacknowledged": .integer(alerts.filter { $0.status == .active }.count),
            "escalation": .integer(alerts.map(\.escalation).max() ?? 0),
            "items": .array(
                alerts.sorted { ($0.priority, $1.raised) > ($1.priority, $0.raised) }.map { alert in
                    [
                        "id": .integer(alert.id), "kind": .string(alert.kind), "priority": .string(alert.priority.rawValue),
                        "status": .string(alert.status.rawValue), "escalation": .integer(alert.escalation), "message": .string(alert.message),
                        "raised": .string(FHIRDateTime.instant(milliseconds: alert.raised)),
                    ]
                }),
        ]
        if let top = urgency.topPriority { summary["top"] = .string(top.rawValue) }
        object["alerts"] = .object(summary)
        if let score {
            var value: JSONObject = [
                "kind": .string(score.kind.rawValue), "total": .integer(score.total), "partial": .bool(!score.assumed.isEmpty),
                "time": .string(FHIRDateTime.instant(milliseconds: score.time)),
            ]
            if let band = score.band { value["band"] = .string(band) }
            if let trend { value["trend"] = .string(trend.rawValue) }
            object["score"] = .object(value)
        }
        object["vitals"] = .array(
            latest.sorted { $0.key < $1.key }.compactMap { code, latest in
                guard case .quantity(let number, let unit) = latest.value else { return nil }
                let age = max(0, (now - latest.time) / 1000)
                var vital: JSONObject = [
                    "code": .string(code), "value": .double(number), "unit": .string(unit),
                    "time": .string(FHIRDateTime.instant(milliseconds: latest.time)), "ageSeconds": .integer(age),
                    "stale": .bool(age > Self.staleAfterSeconds(code, policy: policy)),
                ]
                if let display = catalog.definition(of: code)?.display { vital["display"] = .string(display) }
                let range = VitalRange(code: code, unit: unit, context: context, record: record, now: now, policy: policy)
                if let mark = range?.mark(number) {
                    var flag: JSONObject = ["side": .string(mark.side.rawValue), "severity": .string(mark.severity.name)]
                    if let points = mark.points { flag["points"] = .integer(Int64(points)) }
                    vital["flag"] = .object(flag)
                }
                return .object(vital)
            })
        return .object(object)
    }

    static func staleAfterSeconds(_ code: String, policy: ClinicalPolicy) -> Int64 {
        guard let interval = policy.technical.expectedIntervalSeconds[code] else { return Int64(policy.freshnessSeconds) }
        return Int64(Double(interval) * policy.technical.silentAfterIntervals)
    }

    /// The patient's first name as text, or given and family names joined.
    static func name(of patient: JSON) -> String? {
        guard let name = patient["name"]?[0] else { return nil }
        if let text = name["text"]?.stringValue { return text }
        let parts = (name["given"]?.arrayValue ?? []).compactMap(\.stringValue) + [name["family"]?.stringValue].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}
