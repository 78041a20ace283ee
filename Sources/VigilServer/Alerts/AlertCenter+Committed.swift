public import VigilCore

extension AlertCenter: CommitSubscriber {
    /// Keeps the open alerts as every commit left them, this node's and (several nodes on one
    /// database) the others': an alert acknowledged on another node, or raised by the node that
    /// analyses, is open or closed here too. A state older than the one held is left alone.
    public func committed(_ commit: Committed) async {
        guard !commit.alerts.isEmpty else { return }
        keep(commit.alerts)
    }
}
