import ArgumentParser
import Foundation
import VigilBench

extension BenchCommand {
    struct Notifications: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Alert step → accepted by a webhook receiver and a mail server; the outbox draining after an outage.",
            discussion: """
                Starts vigil serve, the Python webhook receiver (HTTPS) and mail server of the tests, and a ward whose nurse is told \
                by e-mail. Probe patients' systolic pressure goes below 90 mmHg and back at --rate transitions/s, each a webhook \
                call and an e-mail, for --duration seconds. Then both receivers refuse everything while --backlog transitions are \
                made and for --outage seconds more, and the drain is timed once they accept again (docs/benchmarks.md).
                """
        )

        @OptionGroup var target: TargetOptions
        @Option(help: "Probe patients.") var probes = 100
        @Option(help: "Alert transitions per second (each a webhook call and an e-mail).") var rate = 50.0
        @Option(help: "Seconds of paced transitions.") var duration = 30.0
        @Option(help: "Transitions made while the receivers are down.") var backlog = 5_000
        @Option(help: "Seconds the receivers stay down after the backlog is made.") var outage = 60.0

        func validate() throws {
            try OptionCheck.within(probes, 16...100_000, "probes")
            try OptionCheck.positive(rate, "rate")
            try OptionCheck.positive(duration, "duration")
            try OptionCheck.within(backlog, 1...10_000_000, "backlog")
            try OptionCheck.notNegative(outage, "outage")
        }

        func run() async throws {
            var options = NotificationBenchmark.Options()
            options.target = target.target
            options.target.connections = 16
            (options.probes, options.rate, options.duration, options.backlog, options.outage) = (probes, rate, duration, backlog, outage)
            let report = try await NotificationBenchmark(options: options).run { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
        }
    }

    struct Commands: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A command's round trip over MQTT: requested → accepted by a simulated monitor.",
            discussion: """
                Starts vigil serve with its own Mosquitto and --devices simulated vital-signs monitors listening for commands; \
                their nurse asks for measure-now at --rate commands/s for --duration seconds. Each command's requested and \
                accepted steps (server clock) give the round trip; one reading's round trip over the same broker and \
                GET /health/live are measured beside it (docs/benchmarks.md).
                """
        )

        @OptionGroup var target: TargetOptions
        @Option(help: "Simulated monitors.") var devices = 50
        @Option(help: "Commands per second.") var rate = 20.0
        @Option(help: "Seconds of commands.") var duration = 30.0

        func validate() throws {
            try OptionCheck.within(devices, 1...100_000, "devices")
            try OptionCheck.positive(rate, "rate")
            try OptionCheck.positive(duration, "duration")
        }

        func run() async throws {
            var options = CommandBenchmark.Options()
            options.target = target.target
            (options.devices, options.rate, options.duration) = (devices, rate, duration)
            let report = try await CommandBenchmark(options: options).run { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
        }
    }
}
