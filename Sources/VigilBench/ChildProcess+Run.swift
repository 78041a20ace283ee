import Foundation

extension ChildProcess {
    /// Runs a program to its end, as a test or a script runs a command, and returns its exit status
    /// and everything it wrote (standard output and error together).
    ///
    /// Not `Foundation.Process`: besides the signal mask it passes on, its `run()` was seen to crash
    /// in the child while listing `/proc/self/fd` (swift-corelibs-foundation#5472).
    ///
    /// - Parameters:
    ///   - input: the program's standard input (nil: empty).
    ///   - directory: where it runs (nil: here).
    ///   - timeout: killed when it has not ended by then; its status is then 128 + SIGKILL.
    public static func run(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, input: String? = nil, in directory: String? = nil,
        timeout: Duration = .seconds(600)
    ) throws -> (status: Int32, output: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (log, stdin) = (folder + "/output", folder + "/input")
        try Data((input ?? "").utf8).write(to: URL(fileURLWithPath: stdin))
        let (program, options) = directory.map { ("/usr/bin/env", ["-C", $0, path] + arguments) } ?? (path, arguments)
        let process = try start(program, options, environment: environment, log: log, input: stdin)
        let status = process.wait(timeout: timeout) ?? process.stop(SIGKILL)
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }
}
