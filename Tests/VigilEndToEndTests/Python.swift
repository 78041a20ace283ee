import Foundation

/// Python tools the tests drive: the scripts in `Tests/Python`, and commands that PyPI packages
/// install (`mllp_send` from `hl7`).
enum Python {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Python")

    /// Starts `tool`: a script of `Tests/Python` when its name ends in `.py`, else a command on the PATH.
    static func start(_ tool: String, _ arguments: [String], output: Pipe? = nil, in directory: String? = nil, temporary: String? = nil) throws
        -> Process
    {
        let process = Process()
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let temporary { process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": temporary]) { $1 } }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = (tool.hasSuffix(".py") ? ["python3", scripts.appendingPathComponent(tool).path] : [tool]) + arguments
        if let output {
            process.standardOutput = output
            process.standardError = output
        }
        try process.run()
        return process
    }

    /// Runs `tool` to its end (in `directory`, for a tool that leaves files where it runs);
    /// returns its status and output.
    static func run(_ tool: String, _ arguments: [String], in directory: String? = nil) async throws -> (status: Int32, output: String) {
        try await Blocking.run { try runToEnd(tool, arguments, in: directory) }
    }

    private static func runToEnd(_ tool: String, _ arguments: [String], in directory: String?) throws -> (status: Int32, output: String) {
        let pipe = Pipe()
        // Its own temporary directory, removed afterwards: Chromium leaves its profile folders there.
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-python-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let process = try start(tool, arguments, output: pipe, in: directory, temporary: temporary)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
