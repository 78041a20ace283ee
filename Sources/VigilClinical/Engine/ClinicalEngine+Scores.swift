import VigilCore

extension ClinicalEngine {
    /// Recomputes the early-warning scores from each vital sign's representative value (the median
    /// of its last readings, ``PatientState/representative(_:since:)``) within the freshness window
    /// and the entries of the assessment window; emits a score only when it changed, and the
    /// condition it implies.
    ///
    /// Children (under the policy's paediatric age) get Bedside PEWS, adults NEWS2, and adults of
    /// qSOFA's age qSOFA as well; an unknown age counts as an adult.
    func scores(_ state: inout PatientState, context: PatientContext, age: Int?, now: Int64) -> [EngineOutput] {
        let since = now - Int64(policy.freshnessSeconds) * 1000
        let assessedSince = now - Int64(policy.assessmentFreshnessSeconds) * 1000
        guard let rr = state.representative([ClinicalCodes.respiratoryRate], since: since),
            let sbp = state.representative([ClinicalCodes.systolicBP], since: since)
        else { return [] }
        let hr = state.representative([ClinicalCodes.heartRate], since: since)
        let spo2 = state.representative(ClinicalCodes.spo2, since: since)
        let consciousness = state.latest(ClinicalCodes.consciousness, since: assessedSince)
        let acvpu: ACVPU? = consciousness.flatMap { if case .consciousness(let level) = $0.value { level } else { nil } }
        let ageNote = context.birth?.note.map { [$0] } ?? []
        var outputs: [EngineOutput] = []
        if let age, age < policy.paediatricBelowAgeInMonths {
            if let hr { outputs += pews(state: &state, age: age, rr: rr, sbp: sbp, hr: hr, spo2: spo2, note: ageNote, assessedSince: assessedSince) }
        } else if let hr, let spo2, let temperature = state.representative([ClinicalCodes.temperature], since: since),
            let celsius = FeverPolicy.celsius(temperature.value, unit: temperature.latest.value.unit ?? "Cel")
        {
            let oxygen = oxygenTherapy(state, since: assessedSince)
            let result = NEWS2.score(
                NEWS2.Inputs(
                    respirationRate: rr.value, spo2: spo2.value, onOxygen: oxygen.map { $0.therapy != nil }, systolicBP: sbp.value,
                    pulse: hr.value, consciousness: acvpu, temperature: celsius, scale: context.news2Scale
                ),
                policy: policy.news2
            )
            let sources = [rr.latest, spo2.latest, sbp.latest, hr.latest, temperature.latest] + [consciousness, oxygen?.latest].compactMap { $0 }
            let record = ScoreRecord(
                kind: .news2, total: result.total, parts: news2Parts(result), band: result.band.rawValue, assumed: result.assumed, notes: ageNote,
                time: sources.map(\.time).max()!, derivedFrom: sources.map(\.id), policyVersion: policy.version
            )
            outputs += emit(record, &state)
            let margin = policy.episodes.bandClearMargin["news2"] ?? 0
            let red = policy.episodes.redScoreClearMargin
            let staying = NEWS2.band(total: result.total + margin, points: result.points.mapValues { $0 + red }, policy: policy.news2)
            outputs += scoreCondition(
                "news2", record, priority: policy.news2.alertPriority[result.band.rawValue],
                staying: policy.news2.alertPriority[staying.rawValue], message: "NEWS2 \(result.total) (\(result.band.rawValue))", &state)
        }
        if age.map({ $0 >= policy.qsofa.fromAgeInMonths }) ?? true {
            let qsofa = QSOFA.score(respiratoryRate: rr.value, systolicBP: sbp.value, consciousness: acvpu, policy: policy.qsofa)
            let record = ScoreRecord(
                kind: .qsofa, total: qsofa.total, parts: [], band: qsofa.total >= policy.qsofa.positiveAt ? "positive" : "negative",
                assumed: qsofa.assumedAlert ? ["consciousness alert"] : [], notes: ageNote, time: max(rr.latest.time, sbp.latest.time),
                derivedFrom: [rr.latest.id, sbp.latest.id] + (consciousness.map { [$0.id] } ?? []), policyVersion: policy.version
            )
            outputs += emit(record, &state)
            let positive = qsofa.total >= policy.qsofa.positiveAt ? policy.qsofa.priority : nil
            outputs += scoreCondition("qsofa", record, priority: positive, staying: positive, message: "qSOFA \(qsofa.total): sepsis risk", &state)
        }
        return outputs
    }

    private func pews(
        state: inout PatientState, age: Int, rr: (value: Double, latest: PatientState.Latest), sbp: (value: Double, latest: PatientState.Latest),
        hr: (value: Double, latest: PatientState.Latest), spo2: (value: Double, latest: PatientState.Latest)?, note: [String], assessedSince: Int64
    ) -> [EngineOutput] {
        let refill = state.quantity([ClinicalCodes.capillaryRefill], since: assessedSince)
        let effort = state.latest([ClinicalCodes.respiratoryEffort], since: assessedSince)
        let oxygen = oxygenTherapy(state, since: assessedSince)
        let inputs = PEWS.Inputs(
            ageInMonths: age, heartRate: hr.value, systolicBP: sbp.value, respiratoryRate: rr.value, capillaryRefillSeconds: refill?.value,
            respiratoryEffort: effort.flatMap { if case .respiratoryEffort(let e) = $0.value { e } else { nil } }, spo2: spo2?.value,
            oxygen: oxygen.map { $0.therapy ?? PEWS.OxygenTherapy() })
        guard let result = PEWS.score(inputs, policy: policy.pews) else { return [] }
        let items: [(PEWS.Item, String, String)] = [
            (.heartRate, "pews-heart-rate", "PEWS heart rate score"), (.systolicBP, "pews-systolic-bp", "PEWS systolic blood pressure score"),
            (.capillaryRefill, "pews-capillary-refill", "PEWS capillary refill score"),
            (.respiratoryRate, "pews-respiratory-rate", "PEWS respiratory rate score"),
            (.respiratoryEffort, "pews-respiratory-effort", "PEWS respiratory effort score"), (.spo2, "pews-spo2", "PEWS SpO2 score"),
            (.oxygenTherapy, "pews-oxygen-therapy", "PEWS oxygen therapy score"),
        ]
        let sources = [hr.latest, sbp.latest, rr.latest] + [refill?.latest, effort, spo2?.latest, oxygen?.latest].compactMap { $0 }
        let record = ScoreRecord(
            kind: .pews, total: result.total,
            parts: items.map { .init(system: ScoreRecord.vigilScore, code: $0.1, display: $0.2, points: result.points[$0.0] ?? 0) },
            band: nil, assumed: result.assumed, notes: note, time: sources.map(\.time).max()!, derivedFrom: sources.map(\.id),
            policyVersion: policy.version
        )
        let margin = policy.episodes.bandClearMargin["pews"] ?? 0
        return emit(record, &state)
            + scoreCondition(
                "pews", record, priority: PEWS.priority(result, policy: policy.pews),
                staying: PEWS.priority(result, policy: policy.pews, margin: margin), message: "PEWS \(result.total)", &state)
    }

    /// Sets a score's condition with band hysteresis: a score in or above the band that raised
    /// it holds (or raises, or upgrades) at once, and so does one within the policy's margin
    /// below it (`staying`: the priority of the score plus the margin); a score lower still keeps
    /// the condition at its priority, showing the current score, until it has stayed lower for
    /// the policy's hold (then the condition drops to the lower band or clears, here or on a
    /// later tick).
    private func scoreCondition(
        _ key: String, _ record: ScoreRecord, priority: Priority?, staying: Priority?, message: String, _ state: inout PatientState
    ) -> [EngineOutput] {
        let values = scoreValues(record)
        let target = priority.map {
            AlertCondition(key: key, kind: key, priority: $0, message: message, values: values, severity: record.total)
        }
        guard let current = state.raised[key], target.map({ $0.priority < current }) ?? true else {
            state.held[key] = nil
            return set(key, target, clearValues: values, &state)
        }
        let held = AlertCondition(key: key, kind: key, priority: current, message: message, values: values, severity: record.total)
        if let staying, staying >= current {
            state.held[key] = nil
            return set(key, held, &state)
        }
        let since = state.held[key]?.since ?? record.time
        if record.time - since >= Int64(policy.episodes.bandHoldSeconds) * 1000 {
            state.held[key] = nil
            return set(key, target, clearValues: values, &state)
        }
        state.held[key] = PatientState.Hold(since: since, then: target)
        return set(key, held, &state)
    }

    /// Ends the band holds that have lasted the policy's time at `now`.
    func endHolds(_ state: inout PatientState, now: Int64) -> [EngineOutput] {
        var outputs: [EngineOutput] = []
        for (key, hold) in state.held.sorted(by: { $0.key < $1.key }) where now - hold.since >= Int64(policy.episodes.bandHoldSeconds) * 1000 {
            state.held[key] = nil
            let values = state.scores[ScoreRecord.Kind(rawValue: key) ?? .news2].map(scoreValues) ?? nil
            outputs += set(key, hold.then, clearValues: values, &state)
        }
        return outputs
    }

    private func emit(_ record: ScoreRecord, _ state: inout PatientState) -> [EngineOutput] {
        if let last = state.scores[record.kind], last.hasSameResult(as: record) { return [] }
        state.scores[record.kind] = record
        state.scoreTotals[record.kind] = Array(((state.scoreTotals[record.kind] ?? []) + [record.total]).suffix(2))
        return [.score(record)]
    }

    /// Supplemental oxygen from the newest recorded flow or inspired fraction: nil when neither
    /// is recorded, `therapy` nil when the newest says room air.
    private func oxygenTherapy(_ state: PatientState, since: Int64) -> (therapy: PEWS.OxygenTherapy?, latest: PatientState.Latest)? {
        let fraction = state.quantity([ClinicalCodes.inspiredOxygen], since: since)
        let flow = state.quantity([ClinicalCodes.oxygenFlow], since: since)
        guard let newest = [fraction?.latest, flow?.latest].compactMap({ $0 }).max(by: { $0.time < $1.time }) else { return nil }
        let percent = fraction.map(\.value), litres = flow.map(\.value)
        let on = (percent ?? 21) > 21 || (litres ?? 0) > 0
        return (on ? PEWS.OxygenTherapy(litresPerMinute: litres, percent: percent) : nil, newest)
    }

    private func news2Parts(_ result: NEWS2.Result) -> [ScoreRecord.Part] {
        let codes: [(NEWS2.Parameter, String, String)] = [
            (.respirationRate, "1104301000000104", "NEWS2 respiration rate score"),
            (.spo2, result.scale == .one ? "1104311000000102" : "1104321000000108", "NEWS2 oxygen saturation scale \(result.scale.rawValue) score"),
            (.airOrOxygen, "1104331000000105", "NEWS2 air or oxygen score"),
            (.systolicBP, "1104341000000101", "NEWS2 systolic blood pressure score"),
            (.pulse, "1104351000000103", "NEWS2 pulse score"),
            (.consciousness, "1104361000000100", "NEWS2 consciousness score"),
            (.temperature, "1104371000000107", "NEWS2 temperature score"),
        ]
        return codes.map { ScoreRecord.Part(system: ScoreRecord.snomed, code: $0.1, display: $0.2, points: result.points[$0.0] ?? 0) }
    }

    func scoreValues(_ record: ScoreRecord) -> JSON {
        var object: JSONObject = ["score": .string(record.kind.rawValue), "total": .integer(record.total)]
        if let band = record.band { object["band"] = .string(band) }
        if !record.assumed.isEmpty { object["assumed"] = .array(record.assumed.map { .string($0) }) }
        if !record.notes.isEmpty { object["notes"] = .array(record.notes.map { .string($0) }) }
        if !record.parts.isEmpty { object["parts"] = .object(JSONObject(record.parts.map { ($0.code, .integer($0.points)) })) }
        return .object(object)
    }
}

extension ClinicalObservation.Value {
    var unit: String? {
        if case .quantity(_, let unit) = self { return unit }
        return nil
    }
}
