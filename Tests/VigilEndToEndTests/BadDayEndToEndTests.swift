import Foundation
import NIOHTTP1
import Testing
import VigilBench

/// What a newcomer's bad day does to the `vigil` processes: a port already in use, a numeric
/// option out of range. Each must end at once with a message that says what to change.
@Suite(.serialized, .timeLimit(.minutes(5))) struct BadDayEndToEndTests {
    /// A listening socket on a free loopback port, held until `body` returns.
    static func withBusyPort<T>(_ body: (Int) async throws -> T) async throws -> T {
        let socket = try Loopback.listeningSocket()
        defer { close(socket.descriptor) }
        return try await body(socket.port)
    }

    /// Runs `vigil ARGUMENTS`, waiting up to `within` for it to end; its status and output. Its log
    /// and the ``freshDirectory()``s among the arguments are removed afterwards.
    static func run(_ arguments: [String], within: Duration = .seconds(30)) async throws -> (status: Int32?, output: String) {
        try await Blocking.run { try runToEnd(arguments, within: within) }
    }

    private static func runToEnd(_ arguments: [String], within: Duration) throws -> (status: Int32?, output: String) {
        let log = freshDirectory() + ".log"
        defer {
            for path in arguments + [log] where path.hasPrefix(scratch) { try? FileManager.default.removeItem(atPath: path) }
        }
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIL_ADMIN_PASSWORD"] = ServerProcess.adminPassword
        environment["VIGIL_BCRYPT_COST"] = "4"
        let process = try ChildProcess.spawn(ServerProcess.binary, arguments, environment: environment, log: log)
        let status = process.wait(timeout: within)
        if status == nil { process.stop(SIGKILL) }
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-badday-").path

    static func freshDirectory() -> String { scratch + UUID().uuidString }

    @Test func noPasswordIsLoggedEvenAtTraceLevel() async throws {
        let mqttPassword = "mqtt-password-in-the-url"
        let server = try ServerProcess(arguments: [
            "--log-level", "trace", "--mqtt", "mqtt://vigil-server:\(mqttPassword)@127.0.0.1:1", "--mllp", "127.0.0.1:0",
            "--mllp-senders", "ICU@127.0.0.1/32",
        ])
        try await server.start()
        _ = try await server.request(.GET, "/health")
        server.stop()
        let output = server.output
        #expect(output.contains("trace") || output.contains("debug"), "the server logged nothing below info: \(output.prefix(2000))")
        for secret in [mqttPassword, ServerProcess.adminPassword] {
            #expect(!output.contains(secret), "\(secret) is in the log: \(output.prefix(4000))")
        }
    }

    @Test func aNearMissOnTheCommandLineSuggestsWhatWasMeant() async throws {
        for (arguments, expected) in [
            (["server"], "vigil serve"), (["start"], "vigil serve"), (["serve", "--port", "8081"], "--http"),
            (["demo", "--host=0.0.0.0"], "--http"), (["serve", "--data-dir", "x"], "--data"),
        ] {
            let (status, output) = try await Self.run(arguments)
            #expect(status == 64 && output.contains(expected), "\(arguments): \(output)")
        }
        let (status, output) = try await Self.run([
            "serve", "--data", Self.freshDirectory(), "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem",
        ])
        #expect(status != 0 && output.contains("/nonexistent/cert.pem") && !output.contains("Created the first account"), "\(output)")
    }

    @Test func serveOnABusyPortEndsAtOnceNamingTheAddress() async throws {
        try await Self.withBusyPort { port in
            for _ in 1...3 {
                let (status, output) = try await Self.run(["serve", "--data", Self.freshDirectory(), "--http", "127.0.0.1:\(port)"])
                #expect(status != nil, "vigil serve on a busy port did not end: \(output)")
                #expect(status != 0)
                #expect(output.contains("127.0.0.1:\(port)") && output.contains("in use"), "\(output)")
            }
        }
    }

    @Test func serveWithTheMLLPPortBusyEndsAtOnceNamingTheAddress() async throws {
        try await Self.withBusyPort { port in
            let (status, output) = try await Self.run([
                "serve", "--data", Self.freshDirectory(), "--http", "127.0.0.1:0", "--mllp", "127.0.0.1:\(port)",
                "--mllp-senders", "ICU@127.0.0.1/32",
            ])
            #expect(status != nil && status != 0, "\(output)")
            #expect(output.contains("127.0.0.1:\(port)") && output.contains("in use"), "\(output)")
        }
    }

    @Test func demoOnABusyPortEndsAtOnceAndLeavesNothingRunning() async throws {
        try await Self.withBusyPort { port in
            let data = Self.freshDirectory()
            let (status, output) = try await Self.run(["demo", "--data", data, "--http", "127.0.0.1:\(port)"], within: .seconds(60))
            #expect(status != nil && status != 0, "\(output)")
            #expect(output.contains("127.0.0.1:\(port)") && output.contains("in use"), "\(output)")
            #expect(Self.processes(mentioning: data).isEmpty, "left running: \(Self.processes(mentioning: data))")
        }
    }

    @Test(arguments: [
        ["demo", "--speed", "0"], ["demo", "--speed", "-3"], ["demo", "--speed", "nan"], ["simulate", "--speed", "0", "--scenario", "all"],
        ["simulate", "--copies", "0", "--scenario", "all"], ["simulate", "--duration", "-1", "--scenario", "all"],
        ["bench", "ingest", "--devices", "0"],
        ["bench", "ingest", "--batch", "0"], ["bench", "stream", "--rate", "0"], ["bench", "alarms", "--patient-days", "0"],
    ])
    func aNumericOptionOutOfRangeIsRefusedBeforeAnythingStarts(arguments: [String]) async throws {
        let data = Self.freshDirectory()
        let (status, output) = try await Self.run(arguments + (arguments[0] == "demo" ? ["--data", data] : []))
        #expect(status == 64, "\(arguments): \(status.map(String.init) ?? "still running") \(output)")
        #expect(output.contains(arguments[arguments[0] == "bench" ? 2 : 1]), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: data))
    }

    @Test func whatTheDemoStartedEndsWhenTheDemoIsKilled() async throws {
        let data = Self.freshDirectory()
        let log = data + ".log"
        defer { for path in [data, log] { try? FileManager.default.removeItem(atPath: path) } }
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIL_BCRYPT_COST"] = "4"
        let demo = try ChildProcess.spawn(
            ServerProcess.binary, ["demo", "--data", data, "--http", "127.0.0.1:\(try Loopback.freePort())"], environment: environment, log: log)
        let deadline = ContinuousClock.now + .seconds(120)
        // Its server and (when installed) its broker are running.
        func started() -> Bool {
            let running = Self.processes(mentioning: data)
            return running.contains { $0.contains("vigil serve ") } && (LocalBroker.binary == nil || running.contains { $0.contains("mosquitto -c") })
        }
        while ContinuousClock.now < deadline, !started(), demo.isRunning { try await Task.sleep(for: .milliseconds(200)) }
        #expect(started(), "the demo did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        demo.stop(SIGKILL)
        let gone = ContinuousClock.now + .seconds(40)
        while ContinuousClock.now < gone, !Self.processes(mentioning: data).isEmpty { try await Task.sleep(for: .milliseconds(200)) }
        #expect(Self.processes(mentioning: data).isEmpty, "left running after kill -9 of the demo: \(Self.processes(mentioning: data))")
    }

    /// The processes whose command line mentions `text`.
    static func processes(mentioning text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).replacingOccurrences(of: ServerProcess.binary, with: "vigil")
            return line.contains(text) ? "\(pid): \(line)" : nil
        }
    }
}
