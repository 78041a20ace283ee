public import VigilCore

/// Which commands each kind of device takes, within which values, from whom; which alerts propose
/// which commands; and how long commands are sent and waited for. Part of the clinical policy
/// document (`commands`).
public struct CommandPolicy: Sendable, Codable, Equatable {
    public var deviceTypes: [DeviceType]
    public var proposals: [Proposal]
    /// An unanswered command is sent again after this many seconds, then twice as long each time
    /// up to ``resendAtMostSeconds``.
    public var resendSeconds: Int
    public var resendAtMostSeconds: Int
    /// A command's deadline when its asker names none, and the latest one may name (seconds).
    public var deadlineSeconds: Int
    public var maximumDeadlineSeconds: Int
    /// After a device accepted a command, how long it has to say it completed (seconds); then the
    /// command is failed, so that nobody believes a pump suspended that never said so.
    public var completionSeconds: Int

    /// A kind of device: matched by any of `codes` (`SYSTEM|CODE`) in `Device.type`, or by
    /// ``CommandPolicy/deviceTypeSystem``|`name`.
    public struct DeviceType: Sendable, Codable, Equatable {
        public var name: String
        public var codes: [String]
        public var commands: [Rule]
    }

    /// One command a device type takes.
    public struct Rule: Sendable, Codable, Equatable {
        public var name: String
        public var parameters: [Parameter]
        /// Roles that may ask for it and confirm it.
        public var roles: [Role]
        /// A therapy change: sent only once a second person (another account with one of `roles`)
        /// confirmed it.
        public var therapy: Bool
    }

    /// A value a command carries, and the limits it must be within.
    public struct Parameter: Sendable, Codable, Equatable {
        public var name: String
        /// UCUM.
        public var unit: String
        public var minimum: Double
        public var maximum: Double
        public var required: Bool
    }

    /// A command a rule proposes when an alert of one of `alertKinds` is raised for a patient
    /// wearing a device of `deviceType`. `sendAtOnce`: sent without a person; otherwise a person
    /// allowed to ask for it confirms it first.
    public struct Proposal: Sendable, Codable, Equatable {
        public var alertKinds: [String]
        public var deviceType: String
        public var command: String
        public var parameters: [String: Double]
        public var sendAtOnce: Bool
        public var deadlineSeconds: Int
    }

    /// The code system of Vigil's own device-type names.
    public static let deviceTypeSystem = "urn:vigil:device-type"

    /// The device type of a Device with these `type` codings (`SYSTEM|CODE`).
    public func deviceType(codes: [String]) -> DeviceType? {
        deviceTypes.first { type in codes.contains { $0 == "\(Self.deviceTypeSystem)|\(type.name)" || type.codes.contains($0) } }
    }

    /// An insulin pump (SNOMED CT 69805005) may be told to suspend basal delivery for 15 to 120
    /// minutes, to resume it, or to run at 0.05 to 5 U/h; each a therapy change that a second
    /// person confirms. A vital-signs monitor may be told to measure now or to alarm at other
    /// limits. A predicted or actual low proposes suspending the pump for 30 minutes, for a person
    /// to confirm within 15 minutes.
    public static let standard = CommandPolicy(
        deviceTypes: [
            DeviceType(
                name: "insulin-pump", codes: ["http://snomed.info/sct|69805005"],
                commands: [
                    Rule(
                        name: "suspend-basal", parameters: [Parameter(name: "minutes", unit: "min", minimum: 15, maximum: 120, required: true)],
                        roles: [.physician, .nurse, .schoolNurse, .caregiver], therapy: true),
                    Rule(name: "resume-basal", parameters: [], roles: [.physician, .nurse, .schoolNurse, .caregiver], therapy: true),
                    Rule(
                        name: "set-basal-rate", parameters: [Parameter(name: "rate", unit: "[IU]/h", minimum: 0.05, maximum: 5, required: true)],
                        roles: [.physician], therapy: true),
                ]),
            DeviceType(
                name: "vital-signs-monitor", codes: [],
                commands: [
                    Rule(name: "measure-now", parameters: [], roles: [.physician, .nurse], therapy: false),
                    Rule(
                        name: "set-alarm-limits",
                        parameters: [
                            Parameter(name: "spo2Low", unit: "%", minimum: 85, maximum: 96, required: false),
                            Parameter(name: "heartRateLow", unit: "/min", minimum: 30, maximum: 60, required: false),
                            Parameter(name: "heartRateHigh", unit: "/min", minimum: 100, maximum: 180, required: false),
                        ], roles: [.physician, .nurse], therapy: false),
                ]),
        ],
        proposals: [
            Proposal(
                alertKinds: ["glucose-predicted-low", "glucose-low"], deviceType: "insulin-pump", command: "suspend-basal",
                parameters: ["minutes": 30], sendAtOnce: false, deadlineSeconds: 15 * 60)
        ],
        resendSeconds: 10, resendAtMostSeconds: 60, deadlineSeconds: 5 * 60, maximumDeadlineSeconds: 60 * 60, completionSeconds: 5 * 60)
}

extension CommandPolicy {
    /// What is wrong with this part of a policy document.
    var problems: [String] {
        var problems: [String] = []
        let names = Set(deviceTypes.map(\.name))
        if names.count != deviceTypes.count { problems.append("commands.deviceTypes names must be unique") }
        for type in deviceTypes {
            for rule in type.commands {
                if rule.roles.isEmpty { problems.append("commands \(type.name)/\(rule.name) names no role") }
                for parameter in rule.parameters where !(parameter.minimum <= parameter.maximum) {
                    problems.append("commands \(type.name)/\(rule.name).\(parameter.name): minimum above maximum")
                }
            }
        }
        for (index, proposal) in proposals.enumerated() {
            guard let type = deviceTypes.first(where: { $0.name == proposal.deviceType }) else {
                problems.append("commands.proposals[\(index)]: no device type \(proposal.deviceType)")
                continue
            }
            guard let rule = type.commands.first(where: { $0.name == proposal.command }) else {
                problems.append("commands.proposals[\(index)]: \(proposal.deviceType) takes no \(proposal.command)")
                continue
            }
            if let problem = rule.problem(with: proposal.parameters) { problems.append("commands.proposals[\(index)]: \(problem)") }
        }
        if resendSeconds <= 0 || resendAtMostSeconds < resendSeconds || deadlineSeconds <= 0 || maximumDeadlineSeconds < deadlineSeconds
            || completionSeconds <= 0
        {
            problems.append("commands: resend, deadline and completion times must be positive and in order")
        }
        return problems
    }
}

extension CommandPolicy.Rule {
    /// Why these parameters are not acceptable for this command, or nil.
    public func problem(with values: [String: Double]) -> String? {
        for name in values.keys.sorted() where !parameters.contains(where: { $0.name == name }) {
            let known = parameters.map(\.name)
            return "\(self.name) takes no parameter \(name)" + (known.isEmpty ? "" : " (it takes \(known.joined(separator: ", ")))")
        }
        for parameter in parameters {
            guard let value = values[parameter.name] else {
                if parameter.required { return "\(name) needs \(parameter.name) (\(parameter.unit))" }
                continue
            }
            guard value.isFinite, value >= parameter.minimum, value <= parameter.maximum else {
                return
                    "\(name): \(parameter.name) \(value) \(parameter.unit) is outside the policy's limits (\(parameter.minimum) to \(parameter.maximum) \(parameter.unit))"
            }
        }
        if !parameters.isEmpty, values.isEmpty { return "\(name) needs at least one of \(parameters.map(\.name).joined(separator: ", "))" }
        return nil
    }
}
