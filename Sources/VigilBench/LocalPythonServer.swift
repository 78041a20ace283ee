import Foundation
import VigilCore

/// A script of `Tests/Python` run as a local server in a temporary directory of its own: started,
/// waited for until it writes the ports it listens on, steered by files it looks for, read through
/// the JSON lines it logs, and stopped with the object. Behind ``LocalWebhookReceiver`` and
/// ``LocalNotificationReceivers``.
final class LocalPythonServer: Sendable {
    let directory: String
    let ports: [Int]
    private let process: ChildProcess

    /// The scripts, beside the package's sources.
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Python")

    /// Starts `script` with the arguments `arguments` makes of the directory; waits until it wrote
    /// `ports` port numbers, space-separated, to `DIRECTORY/ports`.
    init(_ script: String, ports count: Int, prepare: (String) throws -> Void = { _ in }, arguments: (String) -> [String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(script)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try prepare(directory)
        process = try ChildProcess.spawn(
            "/usr/bin/env",
            ["python3", Self.scripts.appendingPathComponent(script).path, "--port-file", directory + "/ports"] + arguments(directory),
            log: directory + "/output", endsWithThisProcess: false)
        var ports: [Int] = []
        for _ in 0..<400 where ports.count != count {
            ports = ((try? String(contentsOfFile: directory + "/ports", encoding: .utf8)) ?? "").split(separator: " ").compactMap { Int($0) }
            if ports.count != count { usleep(25_000) }
        }
        guard ports.count == count else {
            process.stop(SIGKILL)
            throw VigilError(.internal, "\(script) did not start: \((try? String(contentsOfFile: directory + "/output", encoding: .utf8)) ?? "")")
        }
        self.ports = ports
    }

    deinit {
        process.stop(SIGKILL)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Creates (`true`) or removes the file `name` the script looks for.
    func toggle(_ name: String, _ on: Bool) {
        let path = directory + "/" + name
        if on { _ = FileManager.default.createFile(atPath: path, contents: Data()) } else { try? FileManager.default.removeItem(atPath: path) }
    }

    /// The JSON lines of `DIRECTORY/log`, in order.
    func logged<Line: Decodable>(_: Line.Type) -> [Line] {
        let text = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }
}
