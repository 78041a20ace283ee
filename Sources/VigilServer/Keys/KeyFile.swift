import Foundation
public import VigilCore

/// A secret key kept in a file of its own (mode 0600), generated on first use: never a default.
public enum KeyFile {
    /// The key in `path`, creating the file with 32 random bytes when it does not exist.
    /// - Throws: ``VigilError`` when the file cannot be read or written, or holds too short a key.
    public static func loadOrCreate(_ path: String) throws(VigilError) -> [UInt8] {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            guard let data = manager.contents(atPath: path) else {
                throw VigilError(.internal, "cannot read key file \(path)")
            }
            guard data.count >= 32 else { throw VigilError(.internal, "key file \(path) holds fewer than 32 bytes") }
            return [UInt8](data)
        }
        let key = SecureRandom.bytes(32)
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            guard manager.createFile(atPath: path, contents: Data(key), attributes: [.posixPermissions: 0o600]) else {
                throw VigilError(.internal, "cannot create key file \(path)")
            }
        } catch let error as VigilError {
            throw error
        } catch {
            throw VigilError(.internal, "cannot create key file \(path): \(error)")
        }
        return key
    }

    /// The key in `path`, which must exist.
    public static func load(_ path: String) throws(VigilError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw VigilError(.notFound, "key file \(path) does not exist") }
        return try loadOrCreate(path)
    }
}

/// Cryptographically secure random bytes (the system generator: getrandom on Linux).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// `count` random bytes as unpadded base64url text.
    public static func token(_ count: Int) -> String { Base64URL.encode(bytes(count)) }
}
