import VigilCore

/// Records the rules derived from one input (score Observations), stored in the same change as
/// the alert changes of that input and announced just before them, so that one fsync and one
/// wait for the database cover both.
struct DerivedRecords {
    var writes: [ResourceWrite] = []
    var audit: [AuditEvent] = []
    var notices: [Notice] = []

    var isEmpty: Bool { writes.isEmpty }
}
