import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// The real `vigil` binary, run as a child process on a free port and a fresh data directory.
final class ServerProcess: @unchecked Sendable {
    // @unchecked: the process is only touched from the test that owns this object.
    static let adminPassword = "end-to-end-admin-password"

    let dataDirectory: String
    /// Whether this object chose the data directory, and so removes it, its log and whatever a test
    /// put beside it under the same name (`DIR.backup`, `DIR-restored`) when it goes.
    private let ownsDirectory: Bool
    /// The port the server listens on (it picks a free one at each start).
    private(set) var port = 0
    /// The MLLP port, when started with `--mllp`.
    private(set) var mllpPort = 0
    /// PEM certificate and key to serve HTTPS with.
    let tls: (certificate: String, key: String)?
    /// More `serve` options (`--policy FILE`).
    let arguments: [String]
    private var process: ChildProcess?
    private let log: URL
    private let client: HTTPClient

    var baseURL: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)" }

    /// The `vigil` executable next to the test bundle (or `VIGIL_BINARY`).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["VIGIL_BINARY"] { return path }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("vigil").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return ".build/debug/vigil"
    }

    /// More `VIGIL_*` variables for `serve`.
    let environment: [String: String]

    /// The store the servers keep their record in: `VIGIL_TEST_STORE=postgres` runs the suite on
    /// PostgreSQL (a database of the test process's own cluster per data directory), else SQLite.
    static let onPostgres = ProcessInfo.processInfo.environment["VIGIL_TEST_STORE"] == "postgres"
    /// The database of each data directory, when on PostgreSQL: a server restarted on the same
    /// directory finds the same record.
    private static let databases = Mutex<[String: String]>([:])

    /// `VIGIL_POSTGRES` for the server and the command line of a data directory, on PostgreSQL.
    private static func storeEnvironment(_ directory: String) async throws -> [String: String] {
        guard onPostgres else { return [:] }
        if let url = databases.withLock({ $0[directory] }) { return ["VIGIL_POSTGRES": url] }
        let url = try await LocalPostgres.shared().createDatabase()
        // Two starts at once on one directory: the first database made is the directory's.
        let chosen = databases.withLock { databases in
            if let earlier = databases[directory] { return earlier }
            databases[directory] = url
            return url
        }
        return ["VIGIL_POSTGRES": chosen]
    }

    init(dataDirectory: String? = nil, tls: (certificate: String, key: String)? = nil, arguments: [String] = [], environment: [String: String] = [:])
        throws
    {
        let directory = dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigil-e2e-\(UUID().uuidString)").path
        self.environment = environment
        self.dataDirectory = directory
        self.ownsDirectory = dataDirectory == nil
        self.tls = tls
        self.arguments = arguments
        self.log = URL(fileURLWithPath: directory + ".log")
        if tls != nil {
            var configuration = HTTPClient.Configuration()
            configuration.tlsConfiguration = Self.trustingTLS
            self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        } else {
            self.client = HTTPClient.shared
        }
    }

    /// Starts the server and waits until it answers.
    func start() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIL_ADMIN_PASSWORD"] = Self.adminPassword
        environment["VIGIL_BCRYPT_COST"] = "4"
        environment.merge(try await Self.storeEnvironment(dataDirectory)) { $1 }
        environment.merge(self.environment) { $1 }
        let earlier = output.utf8.count
        // posix_spawn, not Foundation.Process: its children were seen to get a SIGTERM from nowhere.
        let process = try ChildProcess.spawn(
            Self.binary,
            ["serve", "--data", dataDirectory, "--http", "127.0.0.1:0", "--log-level", "warning"]
                + (tls.map { ["--tls-cert", $0.certificate, "--tls-key", $0.key] } ?? []) + arguments,
            environment: environment, log: log.path)
        self.process = process
        let deadline = ContinuousClock.now + .seconds(60)
        // One more look after the deadline: a test process stalled past it may find the server up.
        var late = false
        while !late {
            late = ContinuousClock.now >= deadline
            if !process.isRunning { throw Failure("vigil serve exited: \(output)") }
            // Port 0: the server binds a free port itself and says which (no race with other sockets).
            let started = String(decoding: output.utf8.dropFirst(earlier), as: UTF8.self)
            /// The port of the line `prefix` + `scheme://host:port`, once printed.
            func announced(_ prefix: String) -> Int? {
                started.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }
            }
            guard let bound = announced("Vigil is listening on "), let mllp = arguments.contains("--mllp") ? announced("Vigil takes HL7 v2 on ") : 0
            else {
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            (port, mllpPort) = (bound, mllp)
            if Loopback.accepts(port: port), let reply = try? await request(.GET, "/health/live", timeout: .seconds(5)), reply.status == .ok {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure("vigil serve did not start: \(output)")
    }

    /// Sends `signal` and waits for the process to end; returns its exit status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        guard let process else { return -1 }
        self.process = nil
        return process.stop(signal)
    }

    /// Waits up to `timeout` for the server to end by itself; its exit status, or nil while it runs.
    func exited(within timeout: Duration) async -> Int32? {
        guard let process else { return nil }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = process.wait(timeout: .zero) {
                self.process = nil
                return status
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    /// Connects to `/api/stream` as `token` and waits until the stream is ready.
    func stream(token: String, lastEventID: Int64? = nil) async throws -> StreamClient {
        let stream = StreamClient.connect(
            url: "\(tls == nil ? "ws" : "wss")://127.0.0.1:\(port)/api/stream",
            first: StreamClient.authMessage(token: token, lastEventID: lastEventID),
            tls: tls == nil ? nil : Self.trustingTLS)
        // Generous: on a loaded 2-core CI machine the first message can take a while.
        let ready = await stream.next(timeout: .seconds(30)) { ["ready", "reset"].contains($0["type"]?.stringValue) }
        guard ready != nil else { throw Failure("the stream did not become ready: \(stream.messages.map(\.json.text))") }
        return stream
    }

    /// Client TLS that accepts the tests' self-signed certificate.
    static var trustingTLS: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    deinit {
        if let process, process.isRunning { process.stop(SIGKILL) }
        if tls != nil { try? client.syncShutdown() }
        if ownsDirectory {
            let parent = URL(fileURLWithPath: dataDirectory).deletingLastPathComponent()
            let name = URL(fileURLWithPath: dataDirectory).lastPathComponent
            for item in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] where item.hasPrefix(name) {
                try? FileManager.default.removeItem(at: parent.appendingPathComponent(item))
            }
        }
    }

    typealias Reply = JSONClient.Reply

    func request(_ method: HTTPMethod, _ path: String, token: String? = nil, json: JSON? = nil, timeout: TimeAmount = .seconds(30)) async throws
        -> Reply
    {
        try await request(method, path, token: token, body: json?.serialized(), timeout: timeout)
    }

    /// Sends `body` exactly as given (a file as a client would send it).
    func request(_ method: HTTPMethod, _ path: String, token: String? = nil, body: [UInt8]?, timeout: TimeAmount = .seconds(30)) async throws
        -> Reply
    {
        try await JSONClient(baseURL: baseURL, client: client).request(method, path, token: token, body: body, timeout: timeout)
    }

    /// Creates `type/id` from `resource` through FHIR, expecting 201.
    func put(_ type: String, _ id: String, _ resource: JSONObject, token: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        var body = resource
        (body["resourceType"], body["id"]) = (.string(type), .string(id))
        let reply = try await request(.PUT, "/fhir/\(type)/\(id)", token: token, json: .object(body))
        #expect(reply.status == .created, "\(type)/\(id): \(reply.text)", sourceLocation: sourceLocation)
    }

    func token(_ username: String = "admin", _ password: String = ServerProcess.adminPassword) async throws -> String {
        try await JSONClient(baseURL: baseURL, client: client).signIn(username, password)
    }

    /// Runs the `vigil` CLI against this data directory.
    func cli(_ arguments: [String], stdin: String? = nil) async throws -> (status: Int32, output: String) {
        let dataDirectory = dataDirectory
        let store = try await Self.storeEnvironment(dataDirectory)
        return try await Blocking.run { try Self.runCLI(arguments, stdin: stdin, dataDirectory: dataDirectory, store: store) }
    }

    private static func runCLI(_ arguments: [String], stdin: String?, dataDirectory: String, store: [String: String]) throws -> (
        status: Int32, output: String
    ) {
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIL_DATA"] = dataDirectory
        environment["VIGIL_BCRYPT_COST"] = "4"
        environment.merge(store) { $1 }
        return try ChildProcess.run(binary, arguments, environment: environment, input: stdin)
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
