import ArgumentParser
import Foundation
import VigilClinical

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show or check a clinical policy document (thresholds, scores, escalation).",
        discussion: """
            `vigil policy show` prints the standard policy as JSON: save it, edit it, and start the server with \
            `vigil serve --policy FILE`. `vigil policy show --file FILE` checks a document and prints it as the server reads it.
            """,
        subcommands: [Show.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the standard policy, or check and print FILE.")

        @Option(help: ArgumentHelp("A policy document to check.", valueName: "file"))
        var file: String?

        func run() throws {
            var policy = ClinicalPolicy.standard
            if let file {
                guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
                do {
                    policy = try ClinicalPolicy.decode(data)
                } catch {
                    throw CommandFailure("\(file) is not a valid policy document: \(error)")
                }
            }
            print(String(decoding: try policy.encoded(), as: UTF8.self))
        }
    }
}
