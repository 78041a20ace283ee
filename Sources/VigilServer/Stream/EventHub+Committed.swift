public import VigilCore

extension EventHub: CommitSubscriber {
    /// Publishes what a commit stored: each patient's newest readings, then its notices (scores,
    /// alert transitions and the notifications they send), in order.
    public func committed(_ commit: Committed) async {
        publishReadings(commit.readings)
        for notice in commit.notices {
            switch notice {
            case .score(let score):
                publish(
                    .score, patient: score.patient,
                    data: [
                        "score": .string(score.score), "total": .integer(score.total), "band": score.band.map { .string($0) } ?? nil,
                        "partial": .bool(score.partial), "observation": .string(score.observation),
                        "time": .string(FHIRDateTime.instant(milliseconds: score.time)),
                    ])
            case .alert(let step):
                var data: JSONObject = ["transition": .string(step.transition.rawValue), "alert": step.alert.json]
                if let by = step.by { data["by"] = .string(by) }
                if let text = step.text { data["text"] = .string(text) }
                publish(.alert, patient: step.alert.patient, data: .object(data))
                guard !step.recipients.isEmpty else { continue }
                publish(
                    step.allClear ? .allClear : .notification, patient: step.alert.patient, recipients: Set(step.recipients),
                    data: ["reason": .string(step.transition.rawValue), "level": .integer(step.level), "alert": step.alert.json])
            case .signIn:
                continue
            }
        }
    }

    /// One event per patient: the newest reading of each code, and how many readings came.
    private func publishReadings(_ readings: [StoredReading]) {
        guard !readings.isEmpty else { return }
        var byPatient: [String: (latest: [String: StoredReading], count: Int)] = [:]
        for stored in readings {
            let r = stored.reading
            byPatient[r.patient, default: ([:], 0)].count += 1
            if (byPatient[r.patient]!.latest[r.code]?.reading.time ?? .min) <= r.time { byPatient[r.patient]!.latest[r.code] = stored }
        }
        for (patient, entry) in byPatient.sorted(by: { $0.key < $1.key }) {
            let items: [JSON] = entry.latest.values.sorted { $0.reading.code < $1.reading.code }.map { stored in
                [
                    "code": .string(stored.reading.code), "value": .double(stored.reading.value), "unit": .string(stored.reading.unit),
                    "time": .string(FHIRDateTime.instant(milliseconds: stored.reading.time)), "observation": .string("Observation/\(stored.id)"),
                ]
            }
            publish(.readings, patient: patient, data: ["readings": .array(items), "count": .integer(entry.count)])
        }
    }
}
