import Foundation
import Testing
import VigilBench

/// The PostgreSQL cluster the tests and benchmarks start for themselves (issue 20): its own,
/// durable, reachable over TCP on loopback, and gone once stopped.
@Suite(.timeLimit(.minutes(3))) struct LocalPostgresTests {
    @Test func aClusterOfItsOwnStartsDurableAndIsRemovedWhenStopped() throws {
        let postgres = try LocalPostgres()
        defer { postgres.stop() }
        #expect(try postgres.sql("SHOW fsync") == "on")
        #expect(try postgres.sql("SHOW synchronous_commit") == "on")
        #expect(try postgres.sql("SELECT current_user") == postgres.superuser)
        _ = try postgres.sql("CREATE TABLE t (n int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 1000)")
        #expect(try postgres.sql("SELECT count(*) FROM t") == "1000")
        #expect(postgres.url().hasSuffix("@127.0.0.1:\(postgres.port)/postgres"))
        postgres.stop()
        #expect(!FileManager.default.fileExists(atPath: postgres.directory))
        #expect(!Loopback.accepts(port: postgres.port))
    }
}
