public import VigilCore

/// Walks the audit chain and reports the first place where it was edited, deleted from,
/// inserted into or cut short.
public struct AuditVerifier: Sendable {
    /// What a verification found.
    public struct Report: Sendable, Equatable {
        /// Records checked.
        public var records: Int64
        /// The first problem, or nil when the chain is intact.
        public var problem: String?
        public var isIntact: Bool { problem == nil }
    }

    let store: any VigilStore
    let sealer: HMACAuditSealer
    let anchor: AuditAnchor

    public init(store: any VigilStore, sealer: HMACAuditSealer, anchor: AuditAnchor) {
        self.store = store
        self.sealer = sealer
        self.anchor = anchor
    }

    public func verify() async throws -> Report {
        let anchored = try anchor.read()
        let checkpoints = try anchor.checkpoints?.read() ?? []
        let checkpointed = Dictionary(checkpoints.map { ($0.seq, $0.hash) }) { first, _ in first }
        var previous = [UInt8](repeating: 0, count: 32)
        var expectedSeq: Int64 = 1
        var anchorSeen = false
        while true {
            let page = try await store.auditRecords(after: expectedSeq - 1, limit: 10_000)
            if page.isEmpty { break }
            for record in page {
                guard record.seq == expectedSeq else {
                    return Report(records: expectedSeq - 1, problem: "record \(expectedSeq) is missing (next is \(record.seq)): rows were deleted")
                }
                guard sealer.seal(previous: previous, seq: record.seq, event: record.event) == record.hash else {
                    return Report(records: expectedSeq - 1, problem: "record \(record.seq) does not match its seal: it was edited or inserted")
                }
                if let hash = checkpointed[record.seq], hash != record.hash {
                    return Report(records: record.seq, problem: "record \(record.seq) differs from its checkpoint: the chain was rewritten")
                }
                if let anchored, anchored.seq == record.seq {
                    guard anchored.hash == record.hash else {
                        return Report(records: record.seq, problem: "record \(record.seq) differs from the anchor: the chain was rewritten")
                    }
                    anchorSeen = true
                }
                previous = record.hash
                expectedSeq += 1
            }
        }
        let count = expectedSeq - 1
        if let checkpoint = checkpointed.keys.max(), checkpoint > count {
            return Report(
                records: count,
                problem: "the chain ends at record \(count) but the checkpoint log says \(checkpoint): records were cut off the end")
        }
        guard let anchored else {
            return Report(records: count, problem: count == 0 ? nil : "the anchor \(anchor.path) is missing: the end of the chain cannot be checked")
        }
        if !anchorSeen {
            return Report(
                records: count, problem: "the chain ends at record \(count) but the anchor says \(anchored.seq): records were cut off the end")
        }
        return Report(records: count, problem: nil)
    }
}
