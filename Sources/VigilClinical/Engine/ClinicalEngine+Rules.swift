import VigilCore

extension ClinicalEngine {
    func threshold(_ rule: ThresholdRule, _ value: Double, _ time: Int64, _ state: inout PatientState) -> [EngineOutput] {
        var condition = state.sustained[rule.id] ?? SustainedCondition()
        let decision = condition.observe(value, at: time, rule: rule)
        state.sustained[rule.id] = condition
        var values: JSONObject {
            ["code": .string(rule.codes[0]), "value": .double(value), "unit": .string(rule.unit), "limit": .double(rule.limit)]
        }
        switch decision {
        case .none, .update: return []
        case .raise(_, let since):
            var withSince = values
            withSince["since"] = .string(FHIRDateTime.instant(milliseconds: since))
            let key = "threshold:\(rule.id)"
            return set(
                key, AlertCondition(key: key, kind: "threshold", priority: rule.priority, message: rule.message, values: .object(withSince)), &state)
        case .clear:
            return set("threshold:\(rule.id)", nil, clearValues: .object(values), &state)
        }
    }

    func glucose(_ sample: Glucose.Sample, cgm: Bool, _ state: inout PatientState) -> [EngineOutput] {
        let g = policy.glucose
        var outputs: [EngineOutput] = []
        if cgm {
            state.lastCGM = max(state.lastCGM ?? sample.time, sample.time)
            outputs += set("cgm-stale", nil, clearValues: ["mgdl": .double(sample.mgdl)], &state)
        }
        state.glucose.removeAll { $0.time == sample.time }
        state.glucose.append(sample)
        state.glucose.sort { $0.time < $1.time }
        let newestTime = state.glucose.last?.time ?? sample.time
        state.glucose.removeAll { $0.time < newestTime - Int64(max(g.windowMinutes, g.forecastWindowMinutes) * 60_000) }
        guard let newest = state.glucose.last else { return [] }
        let mgdl = newest.mgdl
        let trend = state.glucose.filter { $0.time >= newestTime - Int64(g.windowMinutes * 60_000) }
        let slope = Glucose.slope(trend)
        let direction = slope.map(Glucose.Direction.init(slope:)) ?? .notComputable
        var values: JSONObject = [
            "mgdl": .double(Rounding.round(mgdl, decimals: 1)), "direction": .string(direction.rawValue), "arrow": .string(direction.arrow),
        ]
        if let slope { values["slope"] = .double(Rounding.round(slope, decimals: 2)) }
        // Lows, by ADA level, with hysteresis.
        let level = Glucose.level(mgdl, policy: g)
        let lowOpen = state.raised["glucose-low"] != nil
        if level != .none {
            let priority = level == .two ? g.level2Priority : g.level1Priority
            outputs += set(
                "glucose-low",
                AlertCondition(
                    key: "glucose-low", kind: "glucose-low", priority: max(priority, state.raised["glucose-low"] ?? .low),
                    message: "Glucose \(Int(mgdl.rounded())) mg/dL: level \(level.rawValue) hypoglycaemia", values: .object(values),
                    severity: level.rawValue), &state)
            // The low the forecast predicted is here: the prediction has done its work.
            outputs += set("glucose-predicted-low", nil, clearValues: .object(values), &state)
        } else if lowOpen, mgdl >= g.level1Below + g.clearMargin {
            outputs += set("glucose-low", nil, clearValues: .object(values), &state)
        }
        // Highs.
        if mgdl > g.highAbove {
            outputs += set(
                "glucose-high",
                AlertCondition(
                    key: "glucose-high", kind: "glucose-high", priority: g.highPriority,
                    message: "Glucose \(Int(mgdl.rounded())) mg/dL: high", values: .object(values)), &state)
        } else if state.raised["glucose-high"] != nil, mgdl <= g.highAbove - g.clearMargin {
            outputs += set("glucose-high", nil, clearValues: .object(values), &state)
        }
        // Predicted low: even the forecast's upper bound is low, while the value is not yet.
        let window = state.glucose.filter { $0.time >= newestTime - Int64(g.forecastWindowMinutes * 60_000) }
        if level == .none, window.count >= g.minimumSamples,
            let forecast = Glucose.forecast(window, minutes: g.predictionMinutes, noiseFloor: g.forecastNoiseFloor)
        {
            var predicted = values
            predicted["forecast"] = .double(Rounding.round(forecast.value, decimals: 0))
            predicted["forecastUpper"] = .double(Rounding.round(forecast.value + g.forecastConfidence * forecast.standardError, decimals: 0))
            predicted["minutes"] = .double(g.predictionMinutes)
            let within = forecast.minutes(until: g.predictedBelow).map { Int($0.rounded()) }
            if let within { predicted["minutesToLow"] = .integer(within) }
            if forecast.value + g.forecastConfidence * forecast.standardError < g.predictedBelow {
                let when = within.map { "in about \($0) min" } ?? "within \(Int(g.predictionMinutes)) min"
                outputs += set(
                    "glucose-predicted-low",
                    AlertCondition(
                        key: "glucose-predicted-low", kind: "glucose-predicted-low", priority: g.predictedLowPriority,
                        message: "Glucose \(Int(mgdl.rounded())) mg/dL \(direction.arrow), predicted below \(Int(g.predictedBelow)) mg/dL \(when)",
                        values: .object(predicted)), &state)
            } else if state.raised["glucose-predicted-low"] != nil, forecast.value >= g.predictedBelow + g.clearMargin {
                outputs += set("glucose-predicted-low", nil, clearValues: .object(predicted), &state)
            }
        }
        // Falling fast.
        if let slope {
            if slope <= g.fallingFastAtOrBelow {
                outputs += set(
                    "glucose-falling-fast",
                    AlertCondition(
                        key: "glucose-falling-fast", kind: "glucose-falling-fast", priority: g.fallingFastPriority,
                        message: "Glucose falling \(Rounding.round(-slope, decimals: 1)) mg/dL per minute", values: .object(values)), &state)
            } else if slope > g.fallingFastAtOrBelow + 1 {
                outputs += set("glucose-falling-fast", nil, clearValues: .object(values), &state)
            }
        }
        return outputs
    }

    func fever(_ celsius: Double, _ time: Int64, _ state: inout PatientState) -> [EngineOutput] {
        let rounded = Rounding.round(celsius, decimals: 1)
        let raised = state.raised["fever"] != nil
        if rounded >= policy.fever.atLeastCelsius, !raised {
            return set(
                "fever",
                AlertCondition(
                    key: "fever", kind: "fever", priority: policy.fever.priority, message: "Fever: \(rounded) °C",
                    values: ["celsius": .double(rounded)]),
                &state)
        }
        if celsius < policy.fever.clearBelowCelsius, raised { return set("fever", nil, clearValues: ["celsius": .double(rounded)], &state) }
        return []
    }

    func asthma(_ code: String, _ value: Double, _ time: Int64, best: Double, age: Int?, _ state: inout PatientState) -> [EngineOutput] {
        let a = policy.asthma
        if code == a.peakFlowCode {
            let zone = PeakFlow.zone(flow: value, best: best, policy: a)
            let values: JSON = [
                "peakFlow": .double(value), "personalBest": .double(best), "percent": .double(Rounding.round(value / best * 100, decimals: 0)),
                "zone": .string(zone.rawValue),
            ]
            switch zone {
            case .green: return set("peak-flow", nil, clearValues: values, &state)
            case .yellow, .red:
                let priority = zone == .red ? a.redPriority : a.yellowPriority
                return set(
                    "peak-flow",
                    AlertCondition(
                        key: "peak-flow", kind: "peak-flow", priority: max(priority, state.raised["peak-flow"] ?? .low),
                        message: "Peak flow \(Int(value)) L/min: \(zone.rawValue) zone (\(Int((value / best * 100).rounded())) % of best)",
                        values: values), &state)
            }
        }
        if ClinicalCodes.spo2.contains(code) {
            let values: JSON = ["spo2": .double(value)]
            let holds = value < a.spo2Below || (state.raised["asthma-spo2"] != nil && value < a.spo2Below + a.clearMargin)
            return set(
                "asthma-spo2",
                holds
                    ? AlertCondition(
                        key: "asthma-spo2", kind: "asthma-red-flag", priority: a.redFlagPriority,
                        message: "Asthma: SpO2 \(Int(value)) % (below \(Int(a.spo2Below)) %)", values: values)
                    : nil, clearValues: values, &state)
        }
        if code == ClinicalCodes.respiratoryRate {
            let limit = a.respiratoryRateFlags.first { (age ?? 10_000) < $0.belowAgeInMonths }?.above ?? 1000
            let values: JSON = ["respiratoryRate": .double(value), "limit": .double(limit)]
            let holds = value > limit || (state.raised["asthma-rr"] != nil && value > limit - a.clearMargin)
            return set(
                "asthma-rr",
                holds
                    ? AlertCondition(
                        key: "asthma-rr", kind: "asthma-red-flag", priority: a.redFlagPriority, message: "Asthma: respiratory rate \(Int(value))/min",
                        values: values)
                    : nil, clearValues: values, &state)
        }
        return []
    }
}
