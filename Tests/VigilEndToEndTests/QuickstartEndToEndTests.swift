import Foundation
import Testing
import VigilBench
import VigilTestFixtures

/// The README's quickstart, run as written (only the port and the binary substituted) from a clean
/// folder in which Vigil had already started once: its own data folder makes it work whatever ran
/// before, and every output the README shows comes out.
@Suite(.timeLimit(.minutes(3)), .disabled(if: ServerProcess.onPostgres, "the README's quickstart is on SQLite"))
struct QuickstartEndToEndTests {
    /// The `sh` blocks of the README's quickstart section, in order.
    static func quickstart() throws -> [String] {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = try #require(text.range(of: "## Quickstart"))
        let rest = text[start.upperBound...]
        let section = rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)]
        return section.components(separatedBy: "```sh\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test func theReadmeQuickstartRunsAsWrittenAfterAFirstStart() async throws {
        let folder = TemporaryDirectory("vigil-quickstart")
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        // A first start in the same folder (./vigil-data, its own admin password), then stopped.
        let first = try ServerProcess(dataDirectory: folder.path + "/vigil-data")
        try await first.start()
        #expect(first.stop() == 0)

        let blocks = try Self.quickstart()
        try #require(blocks.count == 4, "serve, the walk-through, the nurse, the audit check: \(blocks)")
        // 1. `VIGIL_ADMIN_PASSWORD=… swift run vigil serve --data ./quickstart-data`
        let serve = blocks[0].trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
        let assignment = try #require(serve.first?.split(separator: "=", maxSplits: 1).map(String.init))
        #expect(assignment.first == "VIGIL_ADMIN_PASSWORD" && Array(serve[1...4]) == ["swift", "run", "vigil", "serve"])
        let dataIndex = try #require(serve.firstIndex(of: "--data"))
        let data = folder.path + "/" + serve[dataIndex + 1]
        let server = try ServerProcess(dataDirectory: data, environment: [assignment[0]: assignment[1]])
        try await server.start()
        defer { server.stop() }

        // 2. The walk-through and the nurse, in one shell, against this server's port.
        let script = (blocks[1] + blocks[2]).replacingOccurrences(of: "V=http://127.0.0.1:8080", with: "V=\(server.baseURL)")
        #expect(script.contains("V=\(server.baseURL)"))
        let run = try await Self.shell(script, in: folder.path)
        #expect(run.status == 0, "\(run.output)")
        // Every output the README shows (`# {…}` under a command) comes out; `…` stands for anything.
        let shown = blocks[1].split(separator: "\n").filter { $0.hasPrefix("# {") }.map { String($0.dropFirst(2)) }
        #expect(shown.count == 2)
        for line in shown {
            let parts = line.components(separatedBy: "…")
            #expect(
                run.output.split(separator: "\n").contains { output in output.hasPrefix(parts[0]) && output.hasSuffix(parts.last!) },
                "\(line)\n\(run.output)")
        }
        #expect(run.output.contains(#""system": "urn:vigil:producer-key""#), "the Observations of step 6")
        #expect(run.output.contains("outside the plausible range"), "the quarantine of step 7")
        #expect(run.output.contains(#""username":"nina""#), "the nurse's account")
        #expect(!run.output.contains("null\n"), "no step answered nothing")

        // 3. Stopped, the audit chain of all that verifies.
        #expect(server.stop() == 0)
        let verify = blocks[3].trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "swift run vigil", with: ServerProcess.binary)
        let check = try await Self.shell(verify, in: folder.path)
        #expect(check.status == 0 && check.output.contains("intact"), "\(check.output)")
    }

    static func shell(_ script: String, in directory: String) async throws -> (status: Int32, output: String) {
        try await Blocking.run { try ChildProcess.run("/bin/bash", ["-euo", "pipefail", "-c", script], in: directory) }
    }
}
