public import Foundation
import VigilCore

/// Starts a program the benchmark runs beside it (the server, the Mosquitto broker) with
/// `posix_spawn`, default signal handling and an empty signal mask. Not `Foundation.Process`: it
/// passes on the starting thread's signal mask (a broker that inherits blocked signals ignores
/// SIGTERM), and its children were seen to receive a SIGTERM from nowhere in the middle of a run.
///
/// When this process is `vigil` itself, the program is started through `vigil child`, which ends
/// it when this process ends, however it ends (a crash, `kill -9`): no server or broker is left
/// running after its command.
public struct ChildProcess: Sendable {
    /// The process started: the program, or the `vigil child` that runs it.
    public let pid: pid_t

    /// - Parameters:
    ///   - log: a file for the program's standard output and error (nil: this process's).
    ///   - endsWithThisProcess: start it through `vigil child` when this process is `vigil`.
    public static func spawn(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, log: String?, endsWithThisProcess: Bool = true
    ) throws -> ChildProcess {
        if endsWithThisProcess, let vigil = vigilExecutable {
            return try start(vigil, ["child", "--parent", "\(getpid())", "--", path] + arguments, environment: environment, log: log)
        }
        return try start(path, arguments, environment: environment, log: log)
    }

    /// This executable when it is `vigil`.
    private static let vigilExecutable: String? = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        return executable.hasSuffix("/vigil") ? executable : nil
    }()

    /// The program's own process id: ``pid``, or the child of the `vigil child` that runs it.
    public var programPID: pid_t {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        let children = tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "").split(separator: " ")
        }
        return children.first.flatMap { pid_t($0) } ?? pid
    }

    /// - Parameter input: a file for the program's standard input (nil: this process's).
    static func start(_ path: String, _ arguments: [String], environment: [String: String]?, log: String?, input: String? = nil) throws
        -> ChildProcess
    {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let log {
            posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if let input { posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0) }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in envp ?? [] { free(pointer) } }
        var pid = pid_t()
        let status =
            envp.map { posix_spawn(&pid, path, &actions, &attributes, argv, $0) } ?? posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard status == 0 else { throw VigilError(.internal, "cannot start \(path): error \(status)") }
        return ChildProcess(pid: pid)
    }

    /// Sends `signal` and waits for the program to end; kills it when it has not ended after
    /// `grace`. Returns the exit status (128 + the signal when a signal ended it).
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM, grace: Duration = .seconds(60)) -> Int32 {
        kill(pid, signal)
        if let status = wait(timeout: grace) { return status }
        kill(pid, SIGKILL)
        return wait(timeout: .seconds(3600)) ?? -1
    }

    /// Waits up to `timeout` for the program to end; its exit status, or nil while it runs.
    public func wait(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F) }
            if result < 0 { return -1 }
            if ContinuousClock.now > deadline { return nil }
            usleep(10_000)
        }
    }

    /// Whether the program still runs (it exists and is not a zombie waiting for ``stop(_:grace:)``).
    public var isRunning: Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return false
        }
        return !stat[close...].hasPrefix(") Z")
    }

}
