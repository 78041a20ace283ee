import VigilCore

extension Scenario {
    /// What makes the scenario unusable: ids used twice, a group that is not declared, a device
    /// over HL7 measuring what PCD-01 cannot carry here, a course that goes back in time.
    public var problems: [String] {
        var problems: [String] = []
        let groupIDs = Set((groups ?? []).map(\.id))
        var seen = Set<String>()
        for id in patients.map(\.id) + devices.map(\.device.id) where !seen.insert(id).inserted { problems.append("'\(id)' is used twice") }
        for patient in patients {
            if let group = patient.group, !groupIDs.contains(group) { problems.append("\(patient.id): group '\(group)' is not in groups") }
            if patient.ageYears < 0 || patient.ageYears > 120 { problems.append("\(patient.id): ageYears must be within 0...120") }
            if (patient.course?.frames.first?.hour ?? 0) < 0 { problems.append("\(patient.id): a course starts at hour 0 or later") }
        }
        for (patient, device) in devices where device.transport == .hl7 {
            let cadence = device.kind.cadence.merging(device.every ?? [:]) { _, chosen in chosen }
            let unsendable = cadence.keys.filter { PCD01Message.mdc[$0.code] == nil }.map(\.rawValue).sorted()
            if device.kind.batteryPowered || !unsendable.isEmpty {
                problems.append(
                    "\(patient.id)/\(device.id): a \(device.kind.rawValue) cannot send over hl7 (only mains-powered monitors of heart rate, respiratory rate, SpO2, blood pressure and temperature)"
                )
            }
        }
        for (patient, device) in devices {
            for (vital, seconds) in device.every ?? [:] where seconds <= 0 {
                problems.append("\(patient.id)/\(device.id): every \(vital.rawValue) must be positive")
            }
        }
        return problems
    }
}
