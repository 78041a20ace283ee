public import VigilCore

/// How a device answers the commands it is sent (docs/commands.md): each id is carried out once,
/// and a command sent again gets the same answers again; a command whose deadline has passed is
/// refused and never started. Pure: the transport hands it each message with the time.
public struct CommandResponder<Device: Actuator>: Sendable {
    public private(set) var device: Device
    /// The answers given to each id, to give again when it comes again.
    private var answered: [Int64: [JSON]] = [:]

    public init(_ device: Device) { self.device = device }

    /// The answers to one message from the server's commands topic, in order (`accepted` then
    /// `completed`, or `rejected`); none for a message that names no command.
    public mutating func receive(_ message: JSON, at time: Int64) -> [JSON] {
        guard let id = message["id"]?.int64Value, let name = message["command"]?.stringValue else { return [] }
        if let earlier = answered[id] { return earlier }
        let answers: [JSON]
        if let deadline = message["deadline"]?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound, time > deadline {
            answers = [Self.answer(id, "rejected", "past its deadline: not started")]
        } else {
            var parameters: [String: Double] = [:]
            for member in message["parameters"]?.objectValue ?? [:] { parameters[member.key] = member.value.doubleValue }
            switch device.execute(name, parameters: parameters, at: time) {
            case .completed(let detail): answers = [Self.answer(id, "accepted", nil), Self.answer(id, "completed", detail)]
            case .rejected(let reason): answers = [Self.answer(id, "rejected", reason)]
            }
        }
        answered[id] = answers
        return answers
    }

    private static func answer(_ id: Int64, _ status: String, _ detail: String?) -> JSON {
        var answer: JSONObject = ["id": .integer(id), "status": .string(status)]
        if let detail { answer["detail"] = .string(detail) }
        return .object(answer)
    }
}
