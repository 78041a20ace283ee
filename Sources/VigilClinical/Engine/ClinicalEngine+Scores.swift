import VigilCore

extension ClinicalEngine {
    /// Recomputes the early-warning scores from each parameter's latest value within the
    /// freshness window; emits a score only when it changed, and the condition it implies.
    func scores(_ state: inout PatientState, context: PatientContext, now: Int64) -> [EngineOutput] {
        let since = now - Int64(policy.freshnessSeconds) * 1000
        let assessedSince = now - Int64(policy.assessmentFreshnessSeconds) * 1000
        guard let rr = state.quantity([ClinicalCodes.respiratoryRate], since: since),
            let sbp = state.quantity([ClinicalCodes.systolicBP], since: since),
            let hr = state.quantity([ClinicalCodes.heartRate], since: since)
        else { return [] }
        let consciousness = state.latest(ClinicalCodes.consciousness, since: assessedSince)
        let acvpu: ACVPU? = consciousness.flatMap { entry in
            if case .text(let text) = entry.value { return ACVPU(recorded: text) }
            return nil
        }
        var outputs: [EngineOutput] = []
        let paediatric = (context.ageInMonths ?? Int.max) < policy.paediatricBelowAgeInMonths
        if paediatric, let age = context.ageInMonths {
            if let result = PEWS.score(
                PEWS.Inputs(ageInMonths: age, heartRate: hr.value, systolicBP: sbp.value, respiratoryRate: rr.value), policy: policy.pews)
            {
                let record = ScoreRecord(
                    kind: .pews, total: result.total,
                    parts: [
                        .init(system: ScoreRecord.vigilScore, code: "pews-heart-rate", display: "PEWS heart rate score", points: result.heartRate),
                        .init(
                            system: ScoreRecord.vigilScore, code: "pews-systolic-bp", display: "PEWS systolic blood pressure score",
                            points: result.systolicBP),
                        .init(
                            system: ScoreRecord.vigilScore, code: "pews-respiratory-rate", display: "PEWS respiratory rate score",
                            points: result.respiratoryRate),
                    ],
                    band: nil, assumed: [], time: max(hr.latest.time, sbp.latest.time, rr.latest.time),
                    derivedFrom: [hr.latest.id, sbp.latest.id, rr.latest.id], policyVersion: policy.version
                )
                outputs += emit(record, &state)
                let priority = PEWS.priority(result, policy: policy.pews)
                outputs += set(
                    "pews",
                    priority.map {
                        AlertCondition(key: "pews", kind: "pews", priority: $0, message: "PEWS \(result.total)", values: scoreValues(record))
                    }, clearValues: scoreValues(record), &state)
            }
        } else if let spo2 = state.quantity(ClinicalCodes.spo2, since: since),
            let temperature = state.quantity([ClinicalCodes.temperature], since: since),
            let celsius = FeverPolicy.celsius(temperature.value, unit: temperature.latest.value.unit ?? "Cel")
        {
            let oxygen = onOxygen(state, since: assessedSince)
            let result = NEWS2.score(
                NEWS2.Inputs(
                    respirationRate: rr.value, spo2: spo2.value, onOxygen: oxygen?.on, systolicBP: sbp.value, pulse: hr.value,
                    consciousness: acvpu, temperature: celsius, scale: context.news2Scale
                ),
                policy: policy.news2
            )
            let sources = [rr.latest, spo2.latest, sbp.latest, hr.latest, temperature.latest] + [consciousness, oxygen?.latest].compactMap { $0 }
            let record = ScoreRecord(
                kind: .news2, total: result.total, parts: news2Parts(result), band: result.band.rawValue, assumed: result.assumed,
                time: sources.map(\.time).max()!, derivedFrom: sources.map(\.id), policyVersion: policy.version
            )
            outputs += emit(record, &state)
            let priority = policy.news2.alertPriority[result.band.rawValue]
            outputs += set(
                "news2",
                priority.map {
                    AlertCondition(
                        key: "news2", kind: "news2", priority: $0, message: "NEWS2 \(result.total) (\(result.band.rawValue))",
                        values: scoreValues(record))
                }, clearValues: scoreValues(record), &state)
        }
        let qsofa = QSOFA.score(respiratoryRate: rr.value, systolicBP: sbp.value, consciousness: acvpu, policy: policy.qsofa)
        let record = ScoreRecord(
            kind: .qsofa, total: qsofa.total, parts: [], band: qsofa.total >= policy.qsofa.positiveAt ? "positive" : "negative",
            assumed: qsofa.assumedAlert ? ["consciousness alert"] : [], time: max(rr.latest.time, sbp.latest.time),
            derivedFrom: [rr.latest.id, sbp.latest.id] + (consciousness.map { [$0.id] } ?? []), policyVersion: policy.version
        )
        outputs += emit(record, &state)
        outputs += set(
            "qsofa",
            qsofa.total >= policy.qsofa.positiveAt
                ? AlertCondition(
                    key: "qsofa", kind: "qsofa", priority: policy.qsofa.priority, message: "qSOFA \(qsofa.total): sepsis risk",
                    values: scoreValues(record))
                : nil, clearValues: scoreValues(record), &state)
        return outputs
    }

    private func emit(_ record: ScoreRecord, _ state: inout PatientState) -> [EngineOutput] {
        if let last = state.scores[record.kind], last.hasSameResult(as: record) { return [] }
        state.scores[record.kind] = record
        state.scoreTotals[record.kind] = Array(((state.scoreTotals[record.kind] ?? []) + [record.total]).suffix(2))
        return [.score(record)]
    }

    private func onOxygen(_ state: PatientState, since: Int64) -> (on: Bool, latest: PatientState.Latest)? {
        let fraction = state.quantity([ClinicalCodes.inspiredOxygen], since: since).map { ($0.value > 21, $0.latest) }
        let flow = state.quantity([ClinicalCodes.oxygenFlow], since: since).map { ($0.value > 0, $0.latest) }
        return [fraction, flow].compactMap { $0 }.max { $0.1.time < $1.1.time }
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

    private func scoreValues(_ record: ScoreRecord) -> JSON {
        var object: JSONObject = ["score": .string(record.kind.rawValue), "total": .integer(record.total)]
        if let band = record.band { object["band"] = .string(band) }
        if !record.assumed.isEmpty { object["assumed"] = .array(record.assumed.map { .string($0) }) }
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
