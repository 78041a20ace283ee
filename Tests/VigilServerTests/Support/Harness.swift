import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import VigilBench
import VigilCore
import VigilTestFixtures

@testable import VigilServer

/// A clock the test moves by hand.
final class TestClock: VigilClock {
    private let value: Mutex<Int64>

    init(_ start: Int64 = FHIRDateTime("2026-03-01T08:00:00Z")!.lowerBound) { value = Mutex(start) }

    func now() -> Int64 { value.withLock { $0 } }
    func advance(seconds: Int64) { value.withLock { $0 += seconds * 1000 } }
    var instant: String { FHIRDateTime.instant(milliseconds: now()) }
}

/// A server on a fresh data directory, driven through Hummingbird's router test client.
struct Harness {
    let runtime: VigilRuntime
    let clock: TestClock
    /// Removed with the last copy of the harness.
    private let directory: TemporaryDirectory
    static let adminPassword = "admin-password-for-tests"

    init(clock: TestClock = TestClock(), configure: (inout VigilConfiguration) -> Void = { _ in }) throws {
        var configuration = VigilConfiguration()
        directory = TemporaryDirectory("vigil-test")
        configuration.dataDirectory = directory.path
        configuration.bcryptCost = 4
        configuration.httpPort = 0
        configuration.adminPassword = Secret(Self.adminPassword)
        configure(&configuration)
        var logger = Logger(label: "vigil-test")
        logger.logLevel = .warning
        self.clock = clock
        self.runtime = try VigilApplication.makeRuntime(configuration: configuration, clock: clock, logger: logger)
    }

    /// Runs `body` against the application, with the first admin created: through the router, or
    /// over a socket with `.live` (for the WebSocket stream).
    func run<T: Sendable>(_ mode: TestingSetup = .router, _ body: @Sendable (Client) async throws -> T) async throws -> T {
        _ = try await AdminBootstrap.run(runtime: runtime)
        let app = try VigilApplication.build(runtime: runtime)
        return try await app.test(mode) { client in try await body(Client(client: client, clock: clock)) }
    }

    /// Waits until the analysis has processed everything handed to it so far, the alerts have
    /// been re-notified and escalated as the clock says, and the outbox's due messages were tried.
    func settle() async {
        if let analysis = runtime.analysis {
            await analysis.submit(.tick)
            await analysis.flush()
            await runtime.alerts.tick()
        }
        await runtime.outbox.deliverDue()
        await runtime.commands.dispatchDue()
        await runtime.whereabouts.review()
    }
}

/// One response, with its body parsed as JSON when it is JSON.
struct Reply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let json: JSON?
    let text: String

    /// The diagnostics of an OperationOutcome body.
    var diagnostics: String { json?["issue"]?[0]?["diagnostics"]?.stringValue ?? text }
    var isOperationOutcome: Bool { json?["resourceType"] == "OperationOutcome" }
}

struct Client: Sendable {
    let client: any TestClientProtocol
    let clock: TestClock

    /// Connects to `/api/stream` (live mode only), sending `first` as the first message.
    func stream(first: String?, query: String = "", headers: HTTPFields = [:]) -> StreamClient {
        StreamClient.connect(url: "ws://127.0.0.1:\(client.port!)/api/stream\(query)", first: first, headers: headers)
    }

    /// Connects to `/api/stream` and authenticates with `token`; waits until it is ready.
    func stream(token: String, lastEventID: Int64? = nil) async throws -> StreamClient {
        let stream = stream(first: StreamClient.authMessage(token: token, lastEventID: lastEventID))
        let ready = await stream.next { ["ready", "reset"].contains($0["type"]?.stringValue) }
        try #require(ready != nil, "the stream did not become ready: \(stream.messages.map(\.json.text))")
        return stream
    }

    @discardableResult
    func request(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: JSON? = nil, body: String? = nil, headers: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let json {
            buffer = ByteBuffer(bytes: json.serialized())
            if headers[.contentType] == nil { headers[.contentType] = "application/fhir+json" }
        } else if let body {
            buffer = ByteBuffer(string: body)
        }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: buffer)
        let text = String(buffer: response.body)
        return Reply(status: response.status, headers: response.headers, json: try? JSON.parse(text), text: text)
    }

    func get(_ path: String, token: String?) async throws -> Reply { try await request(.get, path, token: token) }
    func post(_ path: String, token: String?, _ json: JSON) async throws -> Reply { try await request(.post, path, token: token, json: json) }
    func put(_ path: String, token: String?, _ json: JSON) async throws -> Reply { try await request(.put, path, token: token, json: json) }

    /// Signs in and returns the access token.
    func token(_ username: String, _ password: String) async throws -> String {
        let reply = try await post("/auth/token", token: nil, ["username": .string(username), "password": .string(password)])
        #expect(reply.status == .ok, "sign-in of \(username): \(reply.text)")
        return try #require(reply.json?["access_token"]?.stringValue)
    }

    func adminToken() async throws -> String { try await token("admin", Harness.adminPassword) }

    /// Creates a resource as `token`, expecting success; returns its id.
    @discardableResult
    func create(_ resource: JSON, token: String) async throws -> String {
        let type = resource["resourceType"]!.stringValue!
        let reply = try await post("/fhir/\(type)", token: token, resource)
        #expect(reply.status == .created, "create \(type): \(reply.text)")
        return try #require(reply.json?["id"]?.stringValue)
    }

    /// Stores a resource with a chosen id (admin update-as-create).
    func put(_ resource: JSON, id: String, token: String) async throws {
        var object = resource.objectValue!
        object["id"] = .string(id)
        let type = resource["resourceType"]!.stringValue!
        let reply = try await put("/fhir/\(type)/\(id)", token: token, .object(object))
        #expect(reply.status == .created || reply.status == .ok, "put \(type)/\(id): \(reply.text)")
    }

    /// Creates an account.
    func user(_ username: String, role: Role, fhirUser: String?, admin: String) async throws -> String {
        var body: JSONObject = ["username": .string(username), "password": .string("password-of-\(username)"), "role": .string(role.rawValue)]
        if let fhirUser { body["fhirUser"] = .string(fhirUser) }
        let reply = try await post("/api/users", token: admin, .object(body))
        #expect(reply.status == .created, "user \(username): \(reply.text)")
        return try await token(username, "password-of-\(username)")
    }

    /// A Device on `patient` since 2026-02-01 (of `type`, a coding, when given), and its token.
    func device(_ id: String, on patient: String, type: JSON? = nil, admin: String) async throws -> String {
        var device: JSONObject = [
            "resourceType": "Device", "status": "active",
            "patient": [
                "reference": .string("Patient/\(patient)"),
                "extension": [["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": "2026-02-01T00:00:00Z"]],
            ],
        ]
        if let type { device["type"] = ["coding": [type]] }
        try await put(.object(device), id: id, token: admin)
        return try await deviceToken(id, admin: admin)
    }

    /// Issues a device token.
    func deviceToken(_ device: String, admin: String) async throws -> String {
        let reply = try await request(.post, "/api/devices/\(device)/credentials", token: admin)
        #expect(reply.status == .created, "credential for \(device): \(reply.text)")
        return try #require(reply.json?["token"]?.stringValue)
    }

    /// A reading for `POST /api/ingest`, taken `secondsAgo` before the test clock's now.
    func reading(_ seq: Int, code: String = "8867-4", value: Double = 72, unit: String = "/min", secondsAgo: Int64 = 0, boot: String? = nil) -> JSON {
        var object: JSONObject = [
            "seq": .integer(seq), "time": .string(FHIRDateTime.instant(milliseconds: clock.now() - secondsAgo * 1000)),
            "code": .string(code), "value": .double(value), "unit": .string(unit),
        ]
        if let boot { object["boot"] = .string(boot) }
        return .object(object)
    }

    /// A full set of NEWS2 vital signs (respiratory rate, SpO2, systolic pressure, heart rate,
    /// temperature) with sequence numbers from `seq`.
    func vitals(
        from seq: Int, respiratoryRate: Double = 16, spo2: Double = 97, systolic: Double = 120, heartRate: Double = 70, temperature: Double = 37,
        secondsAgo: Int64 = 0
    ) -> [JSON] {
        [
            reading(seq, code: "9279-1", value: respiratoryRate, unit: "/min", secondsAgo: secondsAgo),
            reading(seq + 1, code: "59408-5", value: spo2, unit: "%", secondsAgo: secondsAgo),
            reading(seq + 2, code: "8480-6", value: systolic, unit: "mm[Hg]", secondsAgo: secondsAgo),
            reading(seq + 3, code: "8867-4", value: heartRate, unit: "/min", secondsAgo: secondsAgo),
            reading(seq + 4, code: "8310-5", value: temperature, unit: "Cel", secondsAgo: secondsAgo),
        ]
    }

    func ingest(_ readings: [JSON], token: String?) async throws -> Reply {
        try await request(.post, "/api/ingest", token: token, json: ["readings": .array(readings)], headers: [.contentType: "application/json"])
    }
}
