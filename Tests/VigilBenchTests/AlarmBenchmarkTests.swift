import Testing
import VigilBench
import VigilClinical
import VigilCore
import VigilSimulator

/// `vigil bench alarms` on a small population (the smoke run; the figures come from the command),
/// and every built-in scenario on the virtual clock, where minutes of physiology are minutes.
@Suite struct AlarmBenchmarkTests {
    /// Ten stable patient-days (ten patients, a day each) and four deteriorations, artefacts on.
    @Test func aSmallRunMeetsTheGoalsItMeasures() async {
        var options = AlarmBenchmark.Options()
        options.patientDays = 10
        options.daysPerPatient = 1
        options.deteriorations = 4
        options.seed = 7
        let report = await AlarmBenchmark(options: options).run()
        #expect(report.stablePatientDays == 10)
        #expect(report.highPerPatientDay <= 0.1, "\(report.text)")
        #expect(report.mediumPerPatientDay <= 1, "\(report.text)")
        #expect(report.delays.count == 4)
        #expect(report.delays.allSatisfy { ($0.afterSeven ?? .infinity) <= 30 }, "\(report.text)")
        #expect(report.alertsPerEpisode <= 1.2, "\(report.text)")
    }

    @Test func theSameSeedGivesTheSameRun() async {
        var options = AlarmBenchmark.Options()
        options.patientDays = 2
        options.daysPerPatient = 1
        options.deteriorations = 1
        let first = await AlarmBenchmark(options: options).run()
        #expect(await AlarmBenchmark(options: options).run().line == first.line)
        options.seed = 43
        #expect(await AlarmBenchmark(options: options).run().line != first.line)
    }

    /// Without episodes and band hysteresis, the same deteriorations raise several alerts each:
    /// what the grouping changes.
    @Test func withoutEpisodesADeteriorationRaisesSeveralAlerts() async {
        var options = AlarmBenchmark.Options()
        options.patientDays = 1
        options.daysPerPatient = 1
        options.deteriorations = 4
        options.policy.episodes = .none
        let report = await AlarmBenchmark(options: options).run()
        #expect(report.alertsPerEpisode >= 3, "\(report.text)")
    }

    /// Each built-in scenario's expected alerts, on the virtual clock: the sepsis patient's NEWS2
    /// high, the school child's predicted low before her low, the asthma attack's red zone and
    /// red flag; no stable patient raises a high alert.
    @Test func everyBuiltInScenarioRaisesWhatItExpectsOnTheVirtualClock() async throws {
        let scenarios = try Scenario.builtIn.map { try Scenario.load($0) }
        let named = await AlarmBenchmark.replay(scenarios)
        for scenario in scenarios {
            for patient in scenario.patients {
                let seen = named[patient.id] ?? []
                for expected in patient.expectedAlerts ?? [] {
                    #expect(
                        seen.contains { $0.kind == expected.kind && $0.priority.rawValue == expected.priority },
                        "\(scenario.name): \(patient.id) never named \(expected.kind) \(expected.priority): \(seen.map { "\($0.kind) \($0.priority)" })"
                    )
                }
                if patient.expectedAlerts?.isEmpty ?? true {
                    #expect(!seen.contains { $0.priority == .high }, "\(scenario.name): stable \(patient.id): \(seen)")
                }
            }
        }
        let jensen = named["school-jensen"] ?? []
        let predicted = try #require(jensen.first { $0.kind == "glucose-predicted-low" })
        let low = try #require(jensen.first { $0.kind == "glucose-low" })
        #expect(predicted.first < low.first)
    }

    /// `vigil demo` tells every story over and over from its scenario's `demoStartHour`: each story
    /// that expects alerts names one within the demo's first half hour of physiology (a minute at the
    /// demo's ×30, whose rules look at minutes of real time), and names its expected alerts again when it is told a second time.
    @Test func everyDemoStoryRaisesAnAlertInItsFirstHourAndAgainWhenRetold() async throws {
        let scenarios = try Scenario.builtIn.map { try Scenario.load($0) }
        let hours = scenarios.map { $0.hours + 2 * PatientModel.Replay.recoveryHours }.max()! * 2
        let named = await AlarmBenchmark.replay(scenarios, replaying: true, hours: hours)
        let start = AlarmBenchmark.virtualStart
        for scenario in scenarios {
            let expecting = scenario.patients.filter { !($0.expectedAlerts ?? []).isEmpty }
            guard !expecting.isEmpty else { continue }
            let firsts = expecting.compactMap { named[$0.id]?.map(\.first).min() }
            #expect(
                firsts.contains { $0 - start <= 1_800_000 }, "\(scenario.name): first alert at \(firsts.map { Double($0 - start) / 3_600_000 }) h")
            let period = (scenario.hours + 2 * PatientModel.Replay.recoveryHours) * 3_600_000
            let retold = expecting.compactMap { named[$0.id] }.flatMap { $0 }.filter { Double($0.first - start) > period }
            #expect(!retold.isEmpty, "\(scenario.name) told once only")
        }
    }
}
