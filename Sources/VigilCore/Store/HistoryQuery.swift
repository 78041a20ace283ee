/// A `_history` read: every stored version of one resource, of one type, or of everything,
/// newest first.
public struct HistoryQuery: Sendable, Equatable {
    /// nil: every type (system history).
    public var type: FHIRResourceType?
    /// nil: every resource of the type (type history).
    public var id: String?
    /// Only versions written at or after this instant (milliseconds), `_since`.
    public var since: Int64?
    /// Within the resources whose current version is in these compartments.
    public var scope: FHIRSearchQuery.Scope
    /// The most versions answered.
    public var count: Int

    public init(type: FHIRResourceType?, id: String? = nil, since: Int64? = nil, scope: FHIRSearchQuery.Scope = .all, count: Int) {
        self.type = type
        self.id = id
        self.since = since
        self.scope = scope
        self.count = count
    }
}
