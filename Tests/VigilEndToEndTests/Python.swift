import Foundation
import VigilBench

/// Python tools the tests drive: the scripts in `Tests/Python`, and commands that PyPI packages
/// install (`mllp_send` from `hl7`).
enum Python {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Python")

    /// Starts `tool`: a script of `Tests/Python` when its name ends in `.py`, else a command on the PATH.
    static func start(_ tool: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess.spawn("/usr/bin/env", command(tool, arguments), log: nil, endsWithThisProcess: false)
    }

    /// Runs `tool` to its end (in `directory`, for a tool that leaves files where it runs);
    /// returns its status and output.
    static func run(_ tool: String, _ arguments: [String], in directory: String? = nil) async throws -> (status: Int32, output: String) {
        try await Blocking.run {
            // Its own temporary directory, removed afterwards: Chromium leaves its profile folders there.
            let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-python-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": temporary]) { $1 }
            return try ChildProcess.run("/usr/bin/env", command(tool, arguments), environment: environment, in: directory)
        }
    }

    private static func command(_ tool: String, _ arguments: [String]) -> [String] {
        (tool.hasSuffix(".py") ? ["python3", scripts.appendingPathComponent(tool).path] : [tool]) + arguments
    }
}
