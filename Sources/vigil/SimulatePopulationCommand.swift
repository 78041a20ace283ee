import ArgumentParser
import Foundation
import VigilCore
import VigilSQLite
import VigilServer
import VigilSimulator

extension SimulateCommand {
    /// `vigil simulate population`: a synthetic population written into a data directory's store.
    struct Population: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a synthetic population (households, areas, ages, conditions, BMI, immunizations) into a data directory.",
            discussion: """
                Writes straight into the store of --data (the bulk path: no HTTP), \(PopulationLoader(generator: .init(now: 0)).batch) people \
                per transaction, each transaction audited as one event of the actor system/population. Start `vigil serve` on the \
                directory once first (it creates the database and keys); stop it while loading a large population. The same seed \
                gives the same people: --first loads more of them later. See docs/simulator.md for the rates used.
                """
        )

        @OptionGroup var dataOptions: DataOptions
        @Option(help: "How many people.") var patients: Int
        @Option(help: "The number of the first person (to add to a population loaded before).") var first = 0
        @Option(help: "Seed of the randomness.") var seed: UInt64 = 1
        @Option(help: "Areas (postal codes) the households are spread over.") var areas = 200

        func validate() throws {
            try OptionCheck.within(patients, 1...100_000_000, "patients")
            try OptionCheck.within(areas, 1...90_000, "areas")
            guard first >= 0 else { throw ValidationError("--first must not be negative") }
        }

        func run() async throws {
            let configuration = try ConfigurationLoader.load(flags: dataOptions.values)
            guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
                throw CommandFailure("no database at \(configuration.databasePath): start `vigil serve --data DIR` once first")
            }
            let store = try SQLiteStore(path: configuration.databasePath)
            let sealer = HMACAuditSealer(key: try KeyFile.load(configuration.resolvedAuditKeyFile))
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let loader = PopulationLoader(generator: PopulationGenerator(seed: seed, now: now, areas: areas))
            let began = ContinuousClock.now
            let total = try await loader.load(
                first..<(first + patients), into: store, sealer: sealer,
                audit: { done in
                    AuditEvent(
                        time: now, actor: "system/population", role: "system", action: .create, resource: "Bundle",
                        detail: "\(done.patients) patients, \(done.resources) resources")
                },
                progress: { total in
                    if total.patients % 100_000 < loader.batch { print("\(total.patients) patients, \(total.resources) resources") }
                })
            let seconds = (ContinuousClock.now - began) / .seconds(1)
            print(
                String(
                    format: "Loaded %d patients (%d resources) in %.0f s: %.0f patients/s", total.patients, total.resources, seconds,
                    Double(total.patients) / seconds))
            try store.close()
        }
    }
}
