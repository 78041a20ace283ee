import Testing
import VigilCore
import VigilSimulator

/// The simulated devices' side of commands: each id is carried out once, a command past its
/// deadline is never started, and the pump and the monitor do what they are told.
@Suite struct CommandResponderTests {
    let t0: Int64 = 1_772_352_000_000

    func message(_ id: Int64, _ name: String, _ parameters: JSONObject = [:], deadline: Int64? = nil) -> JSON {
        [
            "id": .integer(id), "command": .string(name), "parameters": .object(parameters),
            "deadline": .string(FHIRDateTime.instant(milliseconds: deadline ?? t0 + 60_000)),
        ]
    }

    @Test func aPumpSuspendsItsBasalOnceHoweverOftenTheCommandComes() {
        var responder = CommandResponder(InsulinPump(programmedRate: 0.8))
        let answers = responder.receive(message(1, "suspend-basal", ["minutes": 30]), at: t0)
        #expect(answers.map { $0["status"]?.stringValue } == ["accepted", "completed"])
        #expect(responder.device.basalRate(at: t0 + 60_000) == 0 && responder.device.basalRate(at: t0 + 30 * 60_000) == 0.8)
        // The same id again (a resend) gets the same answers and is not carried out again.
        _ = responder.receive(message(2, "resume-basal"), at: t0 + 60_000)
        #expect(responder.receive(message(1, "suspend-basal", ["minutes": 30]), at: t0 + 120_000) == answers)
        #expect(responder.device.basalRate(at: t0 + 120_000) == 0.8)
    }

    @Test func aCommandPastItsDeadlineIsRefusedAndNeverStarted() {
        var responder = CommandResponder(InsulinPump(programmedRate: 0.8))
        let answers = responder.receive(message(3, "suspend-basal", ["minutes": 30], deadline: t0 - 1), at: t0)
        #expect(answers.map { $0["status"]?.stringValue } == ["rejected"])
        #expect(responder.device.basalRate(at: t0 + 1) == 0.8)
    }

    @Test func devicesRefuseWhatTheyCannotDo() {
        var pump = CommandResponder(InsulinPump(programmedRate: 0.8, maximumRate: 3))
        #expect(pump.receive(message(1, "set-basal-rate", ["rate": 4]), at: t0).first?["status"] == "rejected")
        #expect(pump.receive(message(2, "measure-now"), at: t0).first?["status"] == "rejected")
        var monitor = CommandResponder(MonitorSettings())
        #expect(monitor.receive(message(1, "set-alarm-limits", ["spo2Low": 92]), at: t0).last?["status"] == "completed")
        #expect(monitor.device.alarmLimits["spo2Low"] == 92)
        #expect(monitor.receive(message(2, "measure-now"), at: t0 + 5).last?["status"] == "completed" && monitor.device.measurementAsked == t0 + 5)
        #expect(monitor.receive(["id": 3], at: t0).isEmpty, "a message naming no command gets no answer")
    }
}
