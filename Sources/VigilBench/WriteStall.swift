import GRDB

/// A stalled store, made from outside: another connection holds the database's write lock, as a
/// hung disk or a long backup holds the server's writer. It holds the lock 9 seconds at a time
/// (under the server's 10-second busy timeout, so that its commits wait rather than fail) with a
/// 300 ms gap in which one commit gets through.
enum WriteStall {
    static func hold(database path: String, for duration: Duration) async throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.allowsUnsafeTransactions = true  // the lock outlives each access on purpose
        let database = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? database.close() }
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            try await database.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
            try? await Task.sleep(for: min(.seconds(9), end - .now))
            try await database.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
            try await Task.sleep(for: .milliseconds(300))
        }
    }
}
