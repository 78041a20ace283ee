import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilServer

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Work with the audit log.",
        subcommands: [Verify.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit chain: exits 1 when a record was edited, deleted, inserted or cut off the end.",
            discussion: "Needs the audit key (--audit-key), kept apart from the database, and the anchor file beside it."
        )

        @OptionGroup var dataOptions: DataOptions

        func run() async throws {
            let configuration = try ConfigurationLoader.load(flags: dataOptions.values)
            try configuration.requireExistingData()
            let sealer = HMACAuditSealer(key: try KeyFile.load(configuration.resolvedAuditKeyFile))
            var logger = Logger(label: "vigil")
            logger.logLevel = .warning
            let verifier = AuditVerifier(
                store: try await VigilApplication.openStore(configuration: configuration, logger: logger), sealer: sealer,
                anchor: AuditAnchor(configuration: configuration, sealer: sealer)
            )
            try await verifier.verify().printOrFail()
        }
    }
}

extension AuditVerifier.Report {
    /// Prints what the verification found; exits 1 when the chain is not intact.
    func printOrFail() throws {
        if let problem {
            print("Audit chain BROKEN after \(records) intact records: \(problem)")
            throw ExitCode(1)
        }
        print("Audit chain intact: \(records) records.")
    }
}
