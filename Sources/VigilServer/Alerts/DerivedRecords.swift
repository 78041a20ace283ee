import VigilCore

/// Records the rules derived from one input (score Observations), stored in the same transaction
/// as the alert changes of that input and published just before them, so that one fsync and one
/// wait for the database cover both.
struct DerivedRecords {
    var writes: [ResourceWrite] = []
    var audit: [AuditEvent] = []
    /// The events to publish once stored: type, patient, data.
    var events: [(type: String, patient: String, data: JSON)] = []

    var isEmpty: Bool { writes.isEmpty }
}
