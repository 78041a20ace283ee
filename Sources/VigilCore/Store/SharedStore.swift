/// A store several Vigil nodes share (PostgreSQL): besides the store itself, what each commit
/// stored crosses to the other nodes through it, and one node at a time holds a named lease.
///
/// Every ``VigilStore/apply(_:sealer:)`` that stored something records its ``Committed`` in the
/// same transaction, numbered in commit order, and wakes the nodes listening; a node reads the
/// others' commits after the last number it saw, so one that missed a wake-up (disconnected, busy)
/// catches up on the next read.
public protocol SharedStore: VigilStore {
    /// This process among the nodes: a new name at every start.
    var node: String { get }

    /// The number of the newest commit recorded (0 when none).
    func newestCommitNumber() async throws -> Int64

    /// The commits other nodes recorded after `number`, oldest first, at most `limit`, with their
    /// readings.
    func commits(after number: Int64, limit: Int) async throws -> [NumberedCommit]

    /// Whether the commit numbered `number` is still kept (not forgotten).
    func keepsCommit(_ number: Int64) async throws -> Bool

    /// Calls `wake` whenever a node records a commit, until the connection it listens on fails
    /// (throws) or the task is cancelled (returns).
    func listenForCommits(_ wake: @escaping @Sendable () -> Void) async throws

    /// Forgets the commits recorded before `time` (milliseconds since the epoch).
    func forgetCommits(before time: Int64) async throws

    /// Takes or renews the lease `name` for `seconds` by the database's clock; false while another
    /// node holds it unexpired.
    func holdLease(_ name: String, seconds: Int) async throws -> Bool

    /// Records how far the holder of lease `name` got (while this node holds it).
    func recordProgress(_ progress: Int64, lease name: String) async throws

    /// How far the last holder of lease `name` recorded it got; nil when none did.
    func progress(lease name: String) async throws -> Int64?

    /// The readings with ids after `id` and up to `through`, in id order, at most `limit`.
    func readings(after id: Int64, through: Int64, limit: Int) async throws -> [StoredReading]
}

/// One commit recorded in a ``SharedStore``, with its number.
public struct NumberedCommit: Sendable, Equatable {
    public var number: Int64
    public var commit: Committed

    public init(number: Int64, commit: Committed) {
        self.number = number
        self.commit = commit
    }
}
