import Foundation
import VigilServer

extension VigilConfiguration {
    /// Refuses a data folder that was never started: a command other than `serve` must not
    /// create one empty, with keys that open nothing. On SQLite the database must be there; on
    /// PostgreSQL the folder of keys.
    func requireExistingData() throws {
        let path = postgres == nil ? databasePath : dataDirectory
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("no Vigil data at \(path): give --data DIR, or start vigil serve there first")
        }
    }
}
