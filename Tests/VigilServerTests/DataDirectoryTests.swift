import Foundation
import Logging
import Testing
import VigilCore

@testable import VigilServer

/// The data directory holds patient data and keys: only its owner may read it, whatever existed
/// before the server started.
@Suite struct DataDirectoryTests {
    static func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    static func configuration(_ directory: String) -> VigilConfiguration {
        var configuration = VigilConfiguration()
        configuration.dataDirectory = directory
        configuration.bcryptCost = 4
        return configuration
    }

    @Test func aDirectoryMadeReadableByOthersIsClosedAndTheDatabaseIsTheOwnersOnly() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-perm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        let runtime = try VigilApplication.makeRuntime(configuration: Self.configuration(directory), logger: Logger(label: "test"))
        _ = try await AdminBootstrap.run(runtime: runtime)
        #expect(try Self.mode(directory) == 0o700)
        for file in ["vigil.sqlite", "vigil.sqlite-wal", "keys/token-signing.key", "keys/audit.key"] {
            #expect(try Self.mode(directory + "/" + file) == 0o600, "\(file)")
        }
    }

    @Test func filesLeftReadableByOthersAreClosed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-perm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        _ = try VigilApplication.makeRuntime(configuration: Self.configuration(directory), logger: Logger(label: "test"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory + "/vigil.sqlite")
        _ = try VigilApplication.makeRuntime(configuration: Self.configuration(directory), logger: Logger(label: "test"))
        #expect(try Self.mode(directory + "/vigil.sqlite") == 0o600)
    }
}
