/// Which commands to list: of a device, of patients, in some states; newest first.
public struct CommandQuery: Sendable, Equatable {
    public var device: String?
    /// Only commands of these patients; nil for any (administrators).
    public var patients: Set<String>?
    public var states: Set<CommandState>?
    public var limit: Int

    public init(device: String? = nil, patients: Set<String>? = nil, states: Set<CommandState>? = nil, limit: Int = 100) {
        (self.device, self.patients, self.states, self.limit) = (device, patients, states, limit)
    }
}
