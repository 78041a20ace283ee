public import VigilCore

/// Keeps derived state or tells people, from what each commit stored (``Committed``), announced
/// once per commit by the ``ChangeWriter`` before anyone waiting for it is answered. It must not
/// wait on the writer: the writer waits on it.
public protocol CommitSubscriber: Sendable {
    func committed(_ commit: Committed) async
}
