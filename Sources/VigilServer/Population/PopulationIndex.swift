import Logging
public import ServiceLifecycle
import Synchronization
public import VigilClinical
public import VigilCore

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
    /// The populations of recent research questions, by project population.
    private let questions = Mutex(Questions())

    private struct Questions {
        var entries: [String: Question] = [:]
        /// Moved on by every Group written (and the entries emptied): a population numbered
        /// meanwhile is not kept.
        var generation: UInt64 = 0
    }

    private struct Question {
        var population: NumberedPopulation
        var mark: Int64
        var day: String
        var made: Int64
    }

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

    /// Who of a research project's population research may use at `now`, numbered for questions:
    /// each living patient held, with the quasi-identifiers Safe Harbor lets out, less those whose
    /// Consent refuses research. Kept for the next question about the same population while the
    /// table has not changed, no Group was written through this server, the day is the same and
    /// less than ``questionLifetime`` has passed (a Group written by another node counts from then).
    func research(_ population: ResearchProject.Population, at now: Int64) async throws -> NumberedPopulation {
        let day = FHIRDateTime.date(milliseconds: now)
        let (cached, generation) = questions.withLock { ($0.entries[population.description], $0.generation) }
        if let cached, cached.day == day, now >= cached.made, now - cached.made < Self.questionLifetime,
            try await lock.withLock({
                try await update { _ in }; return table.withLock { $0?.mark }
            }) == cached.mark
        {
            return cached.population
        }
        let members = try await members(of: population, at: now)
        let (numbered, mark) = try await lock.withLock {
            var numbered = NumberedPopulation(capacity: members.count)
            var mark: Int64 = 0
            try await update { table in
                mark = table.mark
                let identifiers = QuasiIdentifiers.Reader(table, profile: SafeHarbor(), today: Birth.day(of: now))
                for member in members where member.hasPrefix("Patient/") {
                    guard let person = table.person(String(member.dropFirst("Patient/".count))) else { continue }
                    if person.refusals.contains(where: { ResearchConsent.covers($0, now) }) {
                        numbered.refused += 1
                    } else {
                        numbered.add(member, key: person.key, identifiers(person))
                    }
                }
            }
            numbered.indexKeys()
            return (numbered, mark)
        }
        questions.withLock { state in
            guard state.generation == generation else { return }
            state.entries[population.description] = Question(population: numbered, mark: mark, day: day, made: now)
        }
        return numbered
    }

    /// How long a question's population is kept, in milliseconds.
    static let questionLifetime: Int64 = 60_000

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

extension PopulationIndex: CommitSubscriber {
    /// Forgets the research questions' populations when a commit wrote a Group (a project's population).
    public func committed(_ commit: Committed) async {
        guard commit.resources.contains(where: { $0.type == .group }) else { return }
        questions.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
        }
    }
}
