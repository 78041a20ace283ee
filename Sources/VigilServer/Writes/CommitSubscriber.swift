public import VigilCore

/// Keeps derived state or tells people, from what each commit stored (``Committed``), announced
/// once per commit by the ``ChangeWriter`` before anyone waiting for it is answered. It must not
/// wait on the writer: the writer waits on it. The writer does not keep its subscribers alive
/// (some hold the writer themselves): whoever subscribes one owns it.
public protocol CommitSubscriber: AnyObject, Sendable {
    func committed(_ commit: Committed) async
}
