import Foundation
import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

@Suite struct OperationsTests {
    @Test func healthReportsTheDatabaseAndTheQueue() async throws {
        try await Harness().run { client in
            let health = try await client.get("/health", token: nil)
            #expect(health.status == .ok)
            #expect(health.json?["checks"]?["database"] == "ok")
            #expect(health.json?["checks"]?["ingestQueue"]?["accepting"] == true)
            #expect(try await client.get("/health/live", token: nil).json?["status"] == "ok")
        }
    }

    @Test func healthTurnsUnavailableWhenIngestStops() async throws {
        let harness = try Harness()
        try await harness.run { client in
            harness.runtime.writer.close()
            let health = try await client.get("/health/ready", token: nil)
            #expect(health.status == .serviceUnavailable && health.json?["status"] == "unavailable")
        }
    }

    @Test func metricsCountRequestsAndIngest() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            _ = try await client.ingest([client.reading(1), client.reading(2, value: 999)], token: world.devices["d1"]!)
            _ = try await client.request(HTTPRequest.Method("BREW-\(UUID().uuidString.prefix(8))")!, "/health")
            let metrics = try await client.get("/metrics", token: nil)
            #expect(metrics.status == .ok)
            for name in [
                "vigil_readings_stored_total", "vigil_readings_rejected_total", "vigil_commit_duration_seconds_bucket",
                "vigil_ingest_queue_depth_items", "vigil_http_requests_total", "vigil_http_request_duration_seconds_bucket",
            ] {
                #expect(metrics.text.contains(name), "\(name) missing")
            }
            #expect(metrics.text.contains(#"vigil_http_requests_total{route="/api/ingest",method="POST",status="200"} "#), "\(metrics.text)")
            // Every metric says what it is; counters end in _total; no series that can only be 0.
            let lines = metrics.text.split(separator: "\n")
            for type in lines where type.hasPrefix("# TYPE ") {
                let parts = type.split(separator: " ")
                #expect(lines.contains { $0.hasPrefix("# HELP \(parts[2]) ") }, "\(parts[2]) has no HELP")
                if parts[3] == "counter" { #expect(parts[2].hasSuffix("_total"), "\(parts[2])") }
            }
            #expect(!metrics.text.contains("hb_"), "the framework's own metrics are replaced by ours")
            // A method HTTP does not define makes no series of its own: nobody can add series without end.
            #expect(metrics.text.contains(#"method="OTHER""#) && !metrics.text.contains("BREW"))
        }
    }

    @Test func theStartPageAndOpenAPIArePublic() async throws {
        try await Harness().run { client in
            let page = try await client.get("/", token: nil)
            #expect(page.status == .ok && page.text.contains("Vigil") && page.text.contains("Sign in"))
            #expect(page.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none';") == true)
            let openapi = try await client.get("/openapi.json", token: nil)
            #expect(openapi.json?["openapi"] == "3.1.0")
        }
    }
}
