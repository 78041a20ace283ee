/// An HTTPS endpoint told of every alert step of the chosen priorities (a nurse-call system, a
/// paging service). Its signing secret is derived from a server key kept apart from the
/// database, never stored.
public struct Webhook: Sendable, Equatable {
    /// 0 before it is stored.
    public var id: Int64
    public var url: String
    public var priorities: Set<Priority>
    public var created: Int64

    public init(id: Int64 = 0, url: String, priorities: Set<Priority>, created: Int64) {
        (self.id, self.url, self.priorities, self.created) = (id, url, priorities, created)
    }

    /// `webhook/ID`, as outbox messages name their target.
    public var target: String { "webhook/\(id)" }
}
