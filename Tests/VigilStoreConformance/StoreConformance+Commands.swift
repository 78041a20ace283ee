import Testing
import VigilCore

extension StoreConformance {
    static func sampleCommand(proposal: String? = nil, state: CommandState = .requested) -> DeviceCommand {
        DeviceCommand(
            device: "pump-1", patient: "c1", name: "suspend-basal", parameters: ["minutes": 30], state: state, requestedBy: "user/nina",
            proposal: proposal, created: Fixture.t0, deadline: Fixture.t0 + 300_000,
            history: [CommandStep(state, at: Fixture.t0, actor: "user/nina", detail: "asked")])
    }

    static func store(_ command: DeviceCommand, newSteps: Int = 1, in store: any VigilStore) async throws -> DeviceCommand {
        guard case .command(let stored) = try await store.applyOne(Change(.command(command, newSteps: newSteps)), sealer: Fixture.sealer).applied
        else { throw VigilError(.internal, "not a command") }
        return stored
    }

    static let commandChecks: [(name: String, check: Check)] = [
        (
            "a command is stored with its parameters and steps, and moves on only from the version it was read at",
            { store in
                let stored = try await Self.store(sampleCommand(), in: store)
                #expect(stored.id > 0 && stored.version == 1)
                let read = try #require(try await store.command(id: stored.id))
                #expect(read.parameters == ["minutes": 30] && read.patient == "c1" && read.history.map(\.detail) == ["asked"] && read.version == 1)
                var sent = read
                sent.state = .sent
                sent.attempts = 1
                sent.nextAttempt = Fixture.t0 + 10_000
                sent.history.append(CommandStep(.sent, at: Fixture.t0 + 1, actor: "vigil"))
                #expect(try await Self.store(sent, in: store).version == 2)
                // A second writer that read version 1 too cannot move it on again.
                var late = read
                late.state = .cancelled
                late.history.append(CommandStep(.cancelled, at: Fixture.t0 + 2, actor: "user/nina"))
                await #expect(throws: VigilError.self) { try await Self.store(late, in: store) }
                let after = try #require(try await store.command(id: stored.id))
                #expect(after.state == .sent && after.attempts == 1 && after.history.map(\.state) == [.requested, .sent])
            }
        ),
        (
            "a rule proposes a command once per alert, device and command",
            { store in
                _ = try await Self.store(sampleCommand(proposal: "Alert/9", state: .proposed), in: store)
                await #expect(throws: VigilError.self) { try await Self.store(sampleCommand(proposal: "Alert/9", state: .proposed), in: store) }
                _ = try await Self.store(sampleCommand(proposal: "Alert/10", state: .proposed), in: store)
                #expect(try await store.commands(CommandQuery(device: "pump-1")).compactMap(\.proposal) == ["Alert/10", "Alert/9"])
            }
        ),
        (
            "commands are found by device, patient and state, and are due while not final",
            { store in
                let first = try await Self.store(sampleCommand(), in: store)
                var other = sampleCommand()
                (other.device, other.patient, other.nextAttempt) = ("monitor-1", "a1", Fixture.t0 + 60_000)
                let second = try await Self.store(other, in: store)
                var done = try #require(try await store.command(id: first.id))
                done.state = .completed
                done.history.append(CommandStep(.completed, at: Fixture.t0 + 5, actor: "device/pump-1"))
                _ = try await Self.store(done, in: store)
                #expect(try await store.commands(CommandQuery(patients: ["a1"])).map(\.id) == [second.id])
                #expect(try await store.commands(CommandQuery(patients: [])).isEmpty)
                #expect(try await store.commands(CommandQuery(states: [.completed])).map(\.id) == [first.id])
                #expect(try await store.commands(CommandQuery()).map(\.id) == [second.id, first.id])
                #expect(try await store.dueCommands(at: Fixture.t0 + 59_999, limit: 10).isEmpty)
                #expect(try await store.dueCommands(at: Fixture.t0 + 60_000, limit: 10).map(\.id) == [second.id])
            }
        ),
    ]
}
