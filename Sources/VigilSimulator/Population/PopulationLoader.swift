public import VigilCore

/// Writes a generated population straight into a store (the bulk path: no HTTP, no JSON parsing),
/// a batch of people per transaction, each transaction with one audit event saying what it loaded.
public struct PopulationLoader: Sendable {
    public struct Progress: Sendable {
        public var patients: Int
        public var resources: Int
    }

    public var generator: PopulationGenerator
    /// People per transaction.
    public var batch = 2_000

    public init(generator: PopulationGenerator) { self.generator = generator }

    /// Loads people `range` into `store`; `audit` makes the event of a transaction from its
    /// patient and resource counts; `progress` is called after each commit.
    @discardableResult
    public func load(
        _ range: Range<Int>, into store: any VigilStore, sealer: any AuditSealer, audit: @Sendable (Progress) -> AuditEvent?,
        progress: @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Progress {
        var total = Progress(patients: 0, resources: 0)
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + batch, range.upperBound)
            var writes: [ResourceWrite] = []
            for n in start..<end {
                for resource in generator.person(n).resources {
                    writes.append(
                        ResourcePreparation.write(
                            resource.json, type: resource.type, id: resource.id, version: 1, lastUpdated: generator.now, mode: .create))
                }
            }
            let done = Progress(patients: end - start, resources: writes.count)
            let applied = try await store.apply([Change(.resources(writes), audit: audit(done).map { [$0] } ?? [])], sealer: sealer)
            if case .failure(let error) = applied.outcomes.first { throw error }
            total.patients += done.patients
            total.resources += done.resources
            progress(total)
            start = end
        }
        return total
    }
}
