import VigilCore

extension ClinicalEngine {
    /// Turns the conditions' changes into their episodes' (one alert each, ``EpisodePolicy``):
    /// an episode is raised with its first condition, updated as its conditions change, worse when
    /// its priority rises or a score rises by the policy's points above what was last notified,
    /// and cleared with its last condition. Scores pass through.
    func episodes(_ changes: [EngineOutput], _ state: inout PatientState, at time: Int64) -> [EngineOutput] {
        var outputs: [EngineOutput] = []
        var touched: [String] = []
        func touch(_ id: String) { if !touched.contains(id) { touched.append(id) } }
        for change in changes {
            switch change {
            case .score:
                outputs.append(change)
            case .raise(let condition), .update(let condition), .worsen(let condition):
                let id = policy.episodes.group(kind: condition.kind, code: condition.values["code"]?.stringValue)?.id ?? condition.key
                if state.episodes[id]?.conditions[condition.key] == nil {
                    state.episodes[id, default: Episode()].notified[condition.key] = condition.severity
                }
                state.episodes[id, default: Episode()].conditions[condition.key] = condition
                touch(id)
            case .clear(let key, let values):
                for id in state.episodes.keys.sorted() where state.episodes[id]?.conditions[key] != nil {
                    state.episodes[id]?.conditions[key] = nil
                    state.episodes[id]?.notified[key] = nil
                    state.episodes[id]?.lastClear = values
                    touch(id)
                }
            }
        }
        for id in touched {
            guard var episode = state.episodes[id] else { continue }
            let order = policy.episodes.groups.first { $0.id == id }?.kinds ?? []
            guard let condition = episode.settle(key: id, order: order, at: time) else {
                state.episodes[id] = nil
                if episode.said != nil {
                    var values = episode.lastClear.objectValue ?? JSONObject()
                    for member in episode.summary { values[member.key] = member.value }
                    outputs.append(.clear(key: id, values: .object(values)))
                }
                continue
            }
            if let said = episode.said {
                let worse =
                    condition.priority > said.priority
                    || episode.conditions.values.contains { c in
                        guard let severity = c.severity, let by = policy.episodes.worsenBy[c.kind], let told = episode.notified[c.key] else {
                            return false
                        }
                        return severity >= told + by
                    }
                if worse {
                    outputs.append(.worsen(condition))
                    for c in episode.conditions.values { if let s = c.severity { episode.notified[c.key] = max(episode.notified[c.key] ?? s, s) } }
                } else if condition != said {
                    outputs.append(.update(condition))
                }
            } else {
                outputs.append(.raise(condition))
            }
            episode.said = condition
            state.episodes[id] = episode
        }
        return outputs
    }
}
