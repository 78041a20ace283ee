import Logging
import VigilClinical
import VigilCore

/// Rules propose commands: when an alert of a kind the policy names is raised (or upgraded to
/// one) for a patient wearing a device of the proposal's type, the command is proposed to that
/// device, once per alert, device and command (the store refuses a second).
extension CommandCenter {
    func propose(for alerts: [Alert]) async {
        for alert in alerts where alert.isOpen && alert.id != 0 {
            let proposals = policy.proposals.filter { $0.alertKinds.contains(alert.kind) }
            guard !proposals.isEmpty else { continue }
            do {
                let devices = try await devices(of: alert.patient)
                for proposal in proposals {
                    for (device, type) in devices where type.name == proposal.deviceType {
                        let command = DeviceCommand.propose(
                            proposal, alert: "Alert/\(alert.id)", kind: alert.kind, device: device, patient: alert.patient, at: clock.now())
                        do {
                            _ = try await save(command, newSteps: 1, by: "rule/\(alert.kind)", role: "system", action: .create, client: nil)
                        } catch let error as VigilError where error.code == .conflict {
                            continue
                        }
                    }
                }
            } catch {
                logger.error("a command could not be proposed", metadata: ["alert": "\(alert.id)", "error": "\(error)"])
            }
        }
    }

    /// The devices on `patient` now that the policy knows a type of, with that type.
    private func devices(of patient: String) async throws -> [(String, CommandPolicy.DeviceType)] {
        guard let parameter = FHIRSearchParameter.parameters(of: .device)["patient"] else { return [] }
        let filter = FHIRSearchQuery.Filter(parameter: parameter, values: [.reference("Patient/\(patient)")])
        let found = try await store.search(FHIRSearchQuery(type: .device, filters: [filter], count: 100)).resources
        var devices: [(String, CommandPolicy.DeviceType)] = []
        for device in found where !device.isDeleted {
            guard try await directory.links(device: device.id).current == patient, let type = policy.deviceType(codes: Self.typeCodes(device.json))
            else { continue }
            devices.append((device.id, type))
        }
        return devices
    }

    /// The `SYSTEM|CODE` of each coding of a Device's `type`.
    static func typeCodes(_ device: JSON) -> [String] {
        (device["type"]?["coding"]?.arrayValue ?? []).compactMap { coding in
            guard let system = coding["system"]?.stringValue, let code = coding["code"]?.stringValue else { return nil }
            return "\(system)|\(code)"
        }
    }
}
