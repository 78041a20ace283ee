extension Committed {
    /// What `changes` stored, given their outcomes in one transaction.
    public init(_ changes: [Change], _ applied: AppliedChanges) {
        self.init()
        auditHead = applied.auditHead
        for (change, outcome) in zip(changes, applied.outcomes) {
            if case .success(let stored) = outcome { add(change, stored) }
        }
    }
}
