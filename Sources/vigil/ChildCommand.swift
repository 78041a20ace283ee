import ArgumentParser
import Foundation
import VigilBench

/// `vigil child --parent PID -- PROGRAM ARGS…`: runs a program that a `vigil` command starts beside
/// itself (the demo's server and broker, a benchmark's server) and ends it when that command ends
/// in any way, a crash or `kill -9` included. It forwards SIGTERM and SIGINT to the program, stops
/// it with SIGTERM (then SIGKILL after 20 s) once PID is no longer its parent, and exits with the
/// program's status. Started by ``ChildProcess`` when the process is `vigil` itself.
struct ChildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "child", abstract: "Run a program that ends when the vigil command that started it ends.", shouldDisplay: false)

    @Option(help: "The process the program belongs to.") var parent: Int32
    @Argument(parsing: .captureForPassthrough, help: "The program and its arguments.") var command: [String]

    func run() async throws {
        let arguments = command.first == "--" ? Array(command.dropFirst()) : command
        guard let program = arguments.first else { throw CommandFailure("give the program to run after --") }
        guard getppid() == parent else { throw ExitCode(1) }
        let child = try ChildProcess.spawn(program, Array(arguments.dropFirst()), log: nil, endsWithThisProcess: false)
        for number in [SIGTERM, SIGINT] { signal(number, SIG_IGN) }
        let forwarders = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { kill(child.pid, number) }
            source.resume()
            return source
        }
        defer { for source in forwarders { source.cancel() } }
        while true {
            if let status = child.wait(timeout: .milliseconds(200)) { throw ExitCode(status) }
            if getppid() != parent { throw ExitCode(child.stop(grace: .seconds(20))) }
        }
    }
}
