import Foundation

/// Foundation's file manager, behind one function, so that the rest of the server does not import Foundation for it.
enum FileManagerBox {
    static func createDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
