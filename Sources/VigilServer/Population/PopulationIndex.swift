import Logging
public import ServiceLifecycle
import Synchronization
public import VigilClinical
import VigilCore

/// Everyone's population facts held in memory (``PopulationTable``): the one owner of public
/// health's counts over a whole population, which evaluate every living patient and so cannot
/// read them from the store each time.
///
/// Read whole when the server starts; before each count, caught up with the patients whose facts
/// changed since (``VigilStore/populationChanges(after:limit:)``), whoever wrote them: this
/// server, a bulk load into the same store, another node. After more than ``rereadAfter`` changes
/// it is read whole again.
public final class PopulationIndex: Service {
    let store: any VigilStore
    /// The definitions research projects' cohorts are named from.
    let cohorts: CohortCatalog
    let logger: Logger
    /// More changed patients than this since the last count: the table is read whole again.
    let rereadAfter: Int
    /// One catch-up and count at a time, so that the table is never changed while read.
    private let lock = AsyncLock()
    private let table = Mutex<PopulationTable?>(nil)

    init(store: any VigilStore, cohorts: CohortCatalog = .shipped, rereadAfter: Int = 50_000, logger: Logger) {
        self.store = store
        self.cohorts = cohorts
        self.rereadAfter = rereadAfter
        self.logger = logger
    }

    /// Reads the table at start, so that the first count does not wait for it.
    public func run() async throws {
        do {
            try await lock.withLock { try await update { _ in } }
        } catch {
            logger.error("the population was not read; counts read it when asked", metadata: ["error": "\(error)"])
        }
        try? await gracefulShutdown()
    }

    /// `definition`'s members over everyone at `now`, counted (``CohortDefinition/tally(_:at:)``).
    public func tally(_ definition: CohortDefinition, at now: Int64) async throws -> CohortTally {
        try await lock.withLock {
            var tally: CohortTally?
            try await update { tally = definition.tally($0, at: now) }
            return tally!
        }
    }

    /// The patients (`Patient/ID`) a research project studies at `now`: its Group's members, or
    /// its cohort's among everyone held.
    /// - Throws: ``VigilError`` when its cohort is no longer defined.
    func members(of population: ResearchProject.Population, at now: Int64) async throws -> Set<String> {
        switch population {
        case .group(let id): return try await store.members(ofGroup: id)
        case .cohort(let name, let vaccines):
            let definition = try cohorts.definition(named: name, vaccines: vaccines)
            return try await lock.withLock {
                var members: Set<String> = []
                try await update { table in members = Set(definition.members(table, at: now).lazy.map { "Patient/" + $0 }) }
                return members
            }
        }
    }

    /// Who of `members` (`Patient/ID`) research may use at `now`: each living patient held, with
    /// the quasi-identifiers Safe Harbor lets out, less those whose Consent refuses research.
    func research(_ members: Set<String>, at now: Int64) async throws -> ResearchPopulation {
        try await lock.withLock {
            var population = ResearchPopulation()
            try await update { table in
                let (profile, today) = (SafeHarbor(), Birth.day(of: now))
                for member in members where member.hasPrefix("Patient/") {
                    guard let person = table.person(String(member.dropFirst("Patient/".count))) else { continue }
                    if person.refusals.contains(where: { ResearchConsent.covers($0, now) }) {
                        population.refused += 1
                    } else {
                        population.patients[member] = QuasiIdentifiers(person, in: table, profile: profile, today: today)
                    }
                }
            }
            return population
        }
    }

    /// Brings the table up to date and hands it to `body`, taken out of its box meanwhile so that
    /// it is changed in place, not copied. Call with the lock held.
    private func update(_ body: (PopulationTable) -> Void) async throws {
        // One variable only, so that the table has one owner while it changes.
        var current = table.withLock { table in
            defer { table = nil }
            return table
        }
        if let mark = current?.mark, let changes = try await store.populationChanges(after: mark, limit: rereadAfter) {
            current!.apply(changes)
        } else {
            let start = ContinuousClock.now
            current = try await store.populationTable()
            logger.info(
                "population read whole", metadata: ["people": "\(current!.count)", "seconds": "\((ContinuousClock.now - start) / .seconds(1))"])
        }
        body(current!)
        table.withLock { [current] in $0 = current }
    }
}
