import Foundation

/// A directory path in the temporary directory, removed with everything in it when this object
/// goes: tests leave nothing behind.
final class TemporaryDirectory: Sendable {
    let path: String

    init(_ prefix: String) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
