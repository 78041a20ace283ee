import Foundation

/// A directory path in the temporary directory, removed with everything in it when this object
/// goes: tests leave nothing behind.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ prefix: String) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
