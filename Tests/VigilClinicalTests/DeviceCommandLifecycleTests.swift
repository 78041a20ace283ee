import Testing
import VigilClinical
import VigilCore

/// A command's lifecycle with time as a parameter, under the standard command policy: an insulin
/// pump's therapy changes wait for a second person; commands are resent while unanswered, expire
/// at their deadline, and only move forward.
@Suite struct DeviceCommandLifecycleTests {
    let policy = CommandPolicy.standard
    let t0: Int64 = 1_772_352_000_000
    func at(_ seconds: Int64) -> Int64 { t0 + seconds * 1000 }
    var pump: CommandPolicy.DeviceType { policy.deviceType(codes: ["http://snomed.info/sct|69805005"])! }
    var monitor: CommandPolicy.DeviceType { policy.deviceType(codes: ["urn:vigil:device-type|vital-signs-monitor"])! }

    func request(
        _ name: String, _ parameters: [String: Double] = [:], type: CommandPolicy.DeviceType? = nil, role: Role = .nurse,
        by user: String = "user/nina",
        deadline: Int? = nil
    ) throws(VigilError) -> DeviceCommand {
        try DeviceCommand.request(
            name, parameters: parameters, device: "pump-1", type: type ?? pump, patient: "c1", by: user, role: role, deadlineSeconds: deadline,
            at: at(0), policy: policy)
    }

    @Test func aTherapyChangeIsSentOnlyOnceASecondPersonConfirmsIt() throws {
        var command = try request("suspend-basal", ["minutes": 30])
        #expect(command.state == .proposed && command.nextAttempt == command.deadline)
        #expect(!command.tick(at: at(1), canSend: true, policy: policy) && command.state == .proposed)
        let rule = try DeviceCommand.rule("suspend-basal", of: pump)
        #expect(throws: VigilError(.forbidden, "a second person confirms a therapy change, not the one who asked for it")) {
            try command.confirm(by: "user/nina", role: .nurse, rule: rule, at: at(2))
        }
        #expect(throws: VigilError.self) { try command.confirm(by: "user/rita", role: .publicHealth, rule: rule, at: at(2)) }
        try command.confirm(by: "user/doc", role: .physician, rule: rule, at: at(2))
        #expect(command.state == .requested && command.confirmedBy == "user/doc")
        #expect(command.tick(at: at(2), canSend: true, policy: policy) && command.state == .sent && command.attempts == 1)
        #expect(command.history.map(\.state) == [.proposed, .requested, .sent])
    }

    @Test func aCommandThatChangesNoTherapyIsRequestedAtOnce() throws {
        let command = try request("measure-now", type: monitor)
        #expect(command.state == .requested && command.nextAttempt == at(0))
    }

    @Test func valuesOutsideThePolicysLimitsAndRolesItDoesNotNameAreRefusedWithTheReason() {
        #expect(throws: VigilError(.unprocessable, "set-basal-rate: rate 8.0 [IU]/h is outside the policy's limits (0.05 to 5.0 [IU]/h)")) {
            try request("set-basal-rate", ["rate": 8], role: .physician)
        }
        #expect(throws: VigilError(.unprocessable, "suspend-basal needs minutes (min)")) { try request("suspend-basal") }
        #expect(throws: VigilError(.unprocessable, "suspend-basal takes no parameter units (it takes minutes)")) {
            try request("suspend-basal", ["minutes": 30, "units": 2])
        }
        #expect(throws: VigilError(.forbidden, "a nurse may not ask for set-basal-rate (physician may)")) {
            try request("set-basal-rate", ["rate": 1])
        }
        #expect(throws: VigilError.self) { try request("bolus", ["units": 5]) }
        #expect(throws: VigilError.self) { try request("measure-now", type: monitor, deadline: 7200) }
        #expect(throws: VigilError.self) { try request("set-alarm-limits", type: monitor) }
        #expect(throws: VigilError.self) { try request("set-alarm-limits", ["spo2Low": .nan], type: monitor) }
    }

    @Test func anUnansweredCommandIsSentAgainLessOftenAndExpiresAtItsDeadline() throws {
        var command = try request("measure-now", type: monitor, deadline: 60)
        var sends: [Int64] = []
        for second in Int64(0)...70 where command.tick(at: at(second), canSend: true, policy: policy) { sends.append(second) }
        // 10 s, then 20, 40 (capped at 60): 0, 10, 30; the deadline at 60 ends it.
        #expect(sends == [0, 10, 30])
        #expect(command.state == .expired && command.attempts == 3 && command.history.last?.state == .expired)
        // Answers after the deadline change nothing.
        #expect(command.answer(.accepted, detail: nil, at: at(71), policy: policy) != nil && command.state == .expired)
    }

    @Test func withoutABrokerACommandWaitsToBeFetchedUntilItsDeadline() throws {
        var command = try request("measure-now", type: monitor, deadline: 60)
        #expect(!command.tick(at: at(0), canSend: false, policy: policy) && command.state == .requested && command.nextAttempt == at(60))
        command.fetched(at: at(5))
        #expect(command.state == .delivered && command.attempts == 1)
        #expect(command.answer(.accepted, detail: nil, at: at(6), policy: policy) == nil)
        #expect(command.answer(.completed, detail: "measuring", at: at(7), policy: policy) == nil)
        #expect(command.state == .completed && command.history.map(\.state) == [.requested, .delivered, .accepted, .completed])
    }

    @Test func anAcceptedCommandThatNeverSaysItCompletedFails() throws {
        var command = try request("measure-now", type: monitor)
        _ = command.tick(at: at(0), canSend: true, policy: policy)
        #expect(command.answer(.accepted, detail: nil, at: at(1), policy: policy) == nil)
        #expect(!command.tick(at: at(1 + 299), canSend: true, policy: policy) && command.state == .accepted)
        _ = command.tick(at: at(1 + 300), canSend: true, policy: policy)
        #expect(command.state == .failed && command.reason?.contains("did not say it completed") == true)
    }

    /// Whatever order a device's answers come in, a command never moves back and never leaves an ending.
    @Test func answersOnlyMoveACommandForward() throws {
        let answers: [CommandState] = [.delivered, .accepted, .rejected, .completed, .failed]
        for first in answers {
            for second in answers {
                var command = try request("measure-now", type: monitor)
                _ = command.tick(at: at(0), canSend: true, policy: policy)
                _ = command.answer(first, detail: nil, at: at(1), policy: policy)
                let after = command.state
                let ignored = command.answer(second, detail: nil, at: at(2), policy: policy)
                #expect(command.state.rank >= after.rank, "\(first) then \(second)")
                if after.isFinal { #expect(ignored != nil && command.state == after, "\(first) then \(second)") }
            }
        }
    }

    @Test func aRuleProposesForAPersonToConfirmUnlessThePolicySendsItAtOnce() throws {
        var proposal = try #require(policy.proposals.first { $0.alertKinds.contains("glucose-predicted-low") })
        var command = DeviceCommand.propose(proposal, alert: "Alert/7", kind: "glucose-predicted-low", device: "pump-1", patient: "c1", at: at(0))
        #expect(command.state == .proposed && command.proposal == "Alert/7" && command.requestedBy == "rule/glucose-predicted-low")
        // One person confirms a rule's proposal.
        try command.confirm(by: "user/sally", role: .schoolNurse, rule: try DeviceCommand.rule("suspend-basal", of: pump), at: at(60))
        #expect(command.state == .requested)
        proposal.sendAtOnce = true
        #expect(
            DeviceCommand.propose(proposal, alert: "Alert/7", kind: "glucose-low", device: "pump-1", patient: "c1", at: at(0)).state == .requested)
    }

    @Test func onlyCommandsNotYetSentAreCancelled() throws {
        var command = try request("measure-now", type: monitor)
        _ = command.tick(at: at(0), canSend: true, policy: policy)
        #expect(throws: VigilError.self) { try command.cancel(by: "user/nina", reason: "wrong bed", at: at(1)) }
        var waiting = try request("suspend-basal", ["minutes": 30])
        try waiting.cancel(by: "user/nina", reason: "glucose recovered", at: at(1))
        #expect(waiting.state == .cancelled && waiting.reason == "glucose recovered")
    }

    @Test func thePolicyDocumentChecksItsCommands() throws {
        var clinical = ClinicalPolicy.standard
        #expect(clinical.problems.isEmpty)
        clinical.commands.proposals[0].parameters = ["minutes": 500]
        clinical.commands.deviceTypes[0].commands[0].roles = []
        #expect(clinical.problems.contains { $0.contains("outside the policy's limits") })
        #expect(clinical.problems.contains { $0.contains("names no role") })
    }
}
