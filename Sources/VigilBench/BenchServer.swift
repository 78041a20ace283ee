import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import VigilCore
import VigilSimulator

/// Which server a benchmark loads.
public struct BenchTarget: Sendable {
    /// The URL of a running server; nil starts a child `vigil serve`.
    public var server: String?
    /// Admin password of `server`, or of the admin of a started server's existing `dataDirectory`.
    public var adminPassword: String?
    /// The process of `server`, to read its memory.
    public var serverPID: Int32?
    /// Where a started server keeps its data (a temporary directory when nil).
    public var dataDirectory: String?
    /// More `vigil serve` options for a started server (`--rules off`).
    public var serveArguments: [String] = []
    /// More `VIGIL_*` variables for a started server.
    public var serveEnvironment: [String: String] = [:]
    /// Connections the client keeps to the server.
    public var connections = 64
    /// Started servers: this many nodes on one PostgreSQL (`VIGIL_POSTGRES` in ``serveEnvironment``)
    /// behind HAProxy, the first one's keys copied to the others.
    public var nodes = 1

    public init() {}
}

/// The server under load: started as a child `vigil serve`, or an existing one.
final class BenchServer: @unchecked Sendable {
    // @unchecked: the child Process is created once and only stopped from `stop()`.
    let baseURL: String
    let adminPassword: String
    let client: HTTPClient
    private let process: ChildProcess?
    private var stopped = false
    private let attachedPID: Int32?
    /// The server's process (not the `vigil child` that runs it).
    private var pid: Int32? { process?.programPID ?? attachedPID ?? behind?.pid }
    let dataDirectory: String?
    /// Whether the data directory is a temporary one this benchmark made, removed when it stops.
    private let removesDataDirectory: Bool
    /// The other nodes and HAProxy in front of them all, when several were started.
    private var companions: [BenchServer] = []
    private var proxy: (LocalHAProxy, ChildProcess)?

    /// The first node of several, when this is HAProxy in front of them.
    private let behind: BenchServer?

    private init(
        baseURL: String, adminPassword: String, process: ChildProcess?, pid: Int32?, dataDirectory: String?, removesDataDirectory: Bool = false,
        connections: Int, behind: BenchServer? = nil
    ) {
        self.behind = behind
        self.removesDataDirectory = removesDataDirectory
        self.baseURL = baseURL
        self.adminPassword = adminPassword
        self.process = process
        self.attachedPID = pid
        self.dataDirectory = dataDirectory
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.decompression = .disabled
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    static func attachOrStart(_ target: BenchTarget, log: @Sendable (String) -> Void) async throws -> BenchServer {
        if let url = target.server {
            guard let password = target.adminPassword else { throw VigilError(.invalid, "--server needs --admin-password") }
            return BenchServer(
                baseURL: url, adminPassword: password, process: nil, pid: target.serverPID, dataDirectory: nil, connections: target.connections)
        }
        let first = try await start(target, log: log)
        guard target.nodes > 1 else { return first }
        do {
            for _ in 1..<target.nodes {
                var next = target
                next.dataDirectory = nil
                next.adminPassword = first.adminPassword
                first.companions.append(try await start(next, keysFrom: first.dataDirectory, log: log))
            }
            let proxy = try LocalHAProxy()
            let ports = ([first] + first.companions).compactMap { URL(string: $0.baseURL)?.port }
            first.proxy = (proxy, try await proxy.start(nodes: ports))
            log("HAProxy on 127.0.0.1:\(proxy.port) in front of the \(target.nodes) nodes")
            return BenchServer(
                baseURL: "http://127.0.0.1:\(proxy.port)", adminPassword: first.adminPassword, process: nil, pid: nil, dataDirectory: nil,
                connections: target.connections, behind: first)
        } catch {
            first.stop()
            throw error
        }
    }

    /// Starts one `vigil serve`, with the keys of `keysFrom` (another node's data directory).
    static func start(_ target: BenchTarget, keysFrom: String? = nil, log: @Sendable (String) -> Void) async throws -> BenchServer {
        let directory =
            target.dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-\(UUID().uuidString)").path
        let port = try Loopback.freePort()
        if let keysFrom {
            let manager = FileManager.default
            try manager.createDirectory(atPath: directory + "/keys", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for file in try manager.contentsOfDirectory(atPath: keysFrom + "/keys") {
                try manager.copyItem(atPath: keysFrom + "/keys/" + file, toPath: directory + "/keys/" + file)
            }
        }
        // A data directory that has its admin already: the password given.
        let password = target.adminPassword ?? "bench-" + UUID().uuidString
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIL_ADMIN_PASSWORD"] = password
        environment["VIGIL_BCRYPT_COST"] = "4"
        environment.merge(target.serveEnvironment) { $1 }
        let process = try ChildProcess.spawn(
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
            ["serve", "--data", directory, "--http", "127.0.0.1:\(port)", "--log-level", "warning"] + target.serveArguments,
            environment: environment, log: directory + ".log")
        log(
            "started vigil serve \(target.serveArguments.joined(separator: " ")) on 127.0.0.1:\(port), data in \(directory)"
                + (target.dataDirectory == nil ? " (removed at the end; --data keeps it)" : "") + " (log: \(directory).log)"
        )
        let server = BenchServer(
            baseURL: "http://127.0.0.1:\(port)", adminPassword: password, process: process, pid: nil,
            dataDirectory: directory, removesDataDirectory: target.dataDirectory == nil, connections: target.connections)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if Loopback.accepts(port: port), let reply = try? await server.request(.GET, "/health/live", timeout: .seconds(5)), reply.status == .ok {
                return server
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        server.stop()
        throw VigilError(.unavailable, "the server did not start")
    }

    func stop() {
        if let (proxy, process) = proxy {
            process.stop()
            proxy.remove()
            self.proxy = nil
        }
        for companion in companions { companion.stop() }
        companions = []
        behind?.stop()
        if let process, !stopped {
            stopped = true
            process.stop()
            if removesDataDirectory, let dataDirectory { try? FileManager.default.removeItem(atPath: dataDirectory) }
        }
        try? client.syncShutdown()
    }

    /// Kills the server (-9), as a crash would; its data directory stays until ``stop()``.
    func kill() {
        guard let process else { return }
        // The program itself: `vigil child` only ends it when the benchmark ends.
        Foundation.kill(process.programPID, SIGKILL)
        _ = process.wait(timeout: .seconds(10))
    }

    /// The address for WebSocket clients.
    var webSocketURL: String { (baseURL.hasPrefix("https") ? "wss" : "ws") + baseURL.drop { $0 != ":" } }

    /// JSON requests to the server.
    var http: JSONClient { JSONClient(baseURL: baseURL, client: client) }

    func request(_ method: HTTPMethod, _ path: String, token: String? = nil, body: [UInt8]? = nil, timeout: TimeAmount = .seconds(60)) async throws
        -> JSONClient.Reply
    {
        try await http.request(method, path, token: token, body: body, timeout: timeout)
    }

    /// How many Observations (readings and scores) the server holds, through a FHIR count.
    func countObservations(token: String) async throws -> Int? {
        let reply = try await request(.GET, "/fhir/Observation?_count=0", token: token)
        return reply.json?["total"]?.int64Value.map(Int.init)
    }

    /// CPU seconds the server has used (user and system; Linux `/proc`).
    func cpuSeconds() -> Double? {
        guard let pid, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return nil
        }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Fields 14 and 15 of stat(5), counted from the state (field 3) after the name.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The server's resident memory now and at its peak, in bytes (Linux `/proc`).
    func memory() -> (current: Int, peak: Int)? { pid.flatMap { Self.memory(of: String($0)) } }

    /// The resident memory now and at its peak, in bytes, of process `process` (a pid or `self`).
    static func memory(of process: String) -> (current: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
                .flatMap { Int($0) }.map { $0 * 1024 }
        }
        guard let current = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        return (current, peak)
    }

}
