import Foundation
import Synchronization
import VigilCore

/// Simulated patients and their devices, running: each device measures its patient on its own
/// cadence (physiology `speed` times faster than the wall clock), uploads over its transport and
/// keeps every reading until the server acknowledges it. Smartwatches also say where their wearer
/// is (``Wearer``); screening kiosks upload their archive, then each traveller (``ScreeningKiosk``).
///
/// ```swift
/// let fleet = Fleet(scenarios: [try Scenario.load("ward-sepsis")], options: options, start: now)
/// try await fleet.register(client: client, adminToken: token)
/// try await fleet.run(client: client)   // until cancelled
/// ```
public final class Fleet: Sendable {
    /// One device of the fleet, with the patient it is on.
    public struct Member: Sendable {
        public let patient: String
        public let device: Scenario.Device
        public let model: DeviceModel
        public let transport: DeviceTransport
        public let facility: String
        /// The patient's day, for location pings.
        public let places: [Scenario.Place]
    }

    public let scenarios: [Scenario]
    public let options: FleetOptions
    public let clock: SimulationClock
    public let members: [Member]
    /// The screening kiosks.
    public let stations: [Scenario.ScreeningStation]
    public let resources: ScenarioResources
    /// The boot id of this run: seqs start again at 1, so a new run is never taken for a duplicate.
    public let boot: String
    private let tokens = Mutex<[String: String]>([:])
    private let totals = Mutex(FleetStatistics())

    public init(scenarios: [Scenario], options: FleetOptions, start: Int64) {
        self.scenarios = scenarios
        self.options = options
        self.clock = SimulationClock(start: start, speed: options.speed)
        self.boot = "sim-\(start)"
        self.resources = ScenarioResources(scenarios, now: start, copies: options.copies)
        var members: [Member] = []
        for scenario in scenarios {
            for copy in 0..<options.copies {
                for (patient, device) in scenario.devices {
                    let id = ScenarioResources.copy(device.id, copy)
                    let model = DeviceModel(
                        id: id, kind: device.kind, patient: scenario.body(of: patient, replaying: options.replays), cadence: device.every,
                        artefacts: device.artefacts ?? [], clock: clock,
                        seed: options.seed, battery: device.battery ?? 90)
                    members.append(
                        Member(
                            patient: ScenarioResources.copy(patient.id, copy), device: device, model: model, transport: options.transport(of: device),
                            facility: scenario.facility ?? "VIGIL-SIM", places: patient.places ?? []))
                }
            }
        }
        self.members = members
        self.stations = scenarios.flatMap { $0.screening ?? [] }
    }

    /// The statistics so far.
    public var statistics: FleetStatistics { totals.withLock { $0 } }

    /// The HL7 sending facilities of the fleet's monitors (for the server's `--mllp-senders`).
    public var facilities: [String] {
        Array(Set(members.filter { ($0.device.transport ?? $0.device.kind.defaultTransport) == .hl7 }.map(\.facility))).sorted()
    }

    /// Devices by how they send.
    public var transports: [DeviceTransport: Int] { members.reduce(into: [:]) { $0[$1.transport, default: 0] += 1 } }

    /// Registers the scenarios, creates the staff's accounts that `passwords` gives and that do
    /// not exist yet, and takes a token for every device.
    /// - Returns: the usernames whose accounts existed already (they keep their passwords).
    @discardableResult
    public func register(client: JSONClient, adminToken: String, passwords: [String: String] = [:]) async throws -> Set<String> {
        let (issued, existing) = try await Registration.register(
            resources, deviceIDs: members.map(\.model.id) + stations.map(\.id), client: client, adminToken: adminToken, passwords: passwords)
        tokens.withLock { $0 = issued }
        return existing
    }

    /// Runs every device until the task is cancelled or, with `measuringFor`, until the devices
    /// have measured for that long and the server has acknowledged everything they hold.
    public func run(client: JSONClient, measuringFor: Duration? = nil) async {
        let stop = measuringFor.map { Self.now() + Int64($0 / .milliseconds(1)) }
        let tokens = tokens.withLock { $0 }
        totals.withLock { $0.devices = members.count + stations.count }
        await withDiscardingTaskGroup { group in
            for station in stations {
                guard let token = tokens[station.id] else { continue }
                var kiosk = ScreeningKiosk(station, clock: clock, seed: options.seed)
                let archive = kiosk.history()
                totals.withLock { $0.generated += archive.count }
                let link = HTTPSLink(client: client, token: token, boot: boot)
                group.addTask { await self.operate(kiosk, held: archive, link: link, measuringUntil: stop) }
            }
            for member in members {
                guard let token = tokens[member.model.id] else { continue }
                let link: any DeviceLink =
                    switch member.transport {
                    case .https: HTTPSLink(client: client, token: token, boot: boot)
                    case .mqtt:
                        MQTTLink(
                            device: member.model.id, token: token, boot: boot, host: options.mqtt!.host, port: options.mqtt!.port,
                            resendAfter: options.resendAfter)
                    case .hl7:
                        MLLPLink(
                            host: options.mllp!.host, port: options.mllp!.port, device: member.model.id, patient: member.patient,
                            facility: member.facility, boot: boot)
                    }
                // Over MQTT, a device that takes commands also listens for them.
                let commands =
                    member.transport == .mqtt
                    ? member.model.kind.commandListener(device: member.model.id, token: token, host: options.mqtt!.host, port: options.mqtt!.port)
                    : nil
                group.addTask {
                    await withTaskGroup(of: Void.self) { device in
                        device.addTask { await link.run() }
                        if let commands { device.addTask { await commands.run() } }
                        if member.model.kind == .smartwatch, member.transport != .hl7 {
                            await self.operate(
                                Wearer(model: member.model, patient: member.patient, places: member.places), link: link, measuringUntil: stop)
                        } else {
                            await self.operate(member.model, link: link, measuringUntil: stop)
                        }
                        device.cancelAll()
                    }
                }
            }
        }
    }

    /// One device's life: measure what is due, upload what is held (starting with `held`, an
    /// archive), sleep until the next reading; after `measuringUntil` (ms), only upload what is
    /// held until nothing is.
    private func operate(_ start: some ReadingSource, held archive: [SimulatedReading] = [], link: any DeviceLink, measuringUntil stop: Int64?) async
    {
        var model = start
        var held = archive
        // An archive goes up in the largest batches the server takes.
        let batchSize = archive.isEmpty ? options.maximumBatch : max(options.maximumBatch, 10_000)
        var retry = Duration.zero
        while !Task.isCancelled {
            let now = Self.now()
            let measuring = stop.map { now < $0 } ?? true
            if !measuring, held.isEmpty { return }
            let physiology = clock.physiologicalSeconds(at: now)
            let new = measuring ? model.readings(until: physiology) : []
            held += new
            var receipt = Receipt.none
            if !held.isEmpty {
                let batch = Array(held.prefix(batchSize))
                receipt = await link.send(batch)
                if !new.isEmpty, model.sendsTwice(atSeconds: physiology) { receipt = receipt + (await link.send(batch)) }
                let acknowledged = Set(receipt.acknowledged)
                let before = held.count
                held.removeAll { acknowledged.contains($0.seq) }
                let forgotten = before - held.count
                totals.withLock { totals in
                    totals.generated += new.count
                    totals.acknowledged += forgotten
                    totals.accepted += receipt.accepted
                    totals.duplicates += receipt.duplicates
                    totals.rejected += receipt.rejected
                    totals.uploads += receipt.uploads
                    if receipt.failed { totals.failedUploads += 1 }
                }
            }
            retry = receipt.failed ? min(max(retry * 2, .milliseconds(500)), .seconds(10)) : .zero
            let untilNext = Duration.milliseconds(max(0, clock.realMilliseconds(model.nextDue) - Self.now()))
            // A backlog (an archive, readings kept while offline) goes up without waiting.
            let backlog = !receipt.failed && held.count >= batchSize
            let pause = backlog ? .zero : max(options.uploadInterval, retry, held.isEmpty ? untilNext : min(untilNext, .seconds(1)))
            try? await Task.sleep(for: min(pause, .seconds(5)))
        }
    }

    /// Milliseconds since 1970, now.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

extension Fleet {
    /// Every device's readings over the first `hours` of physiological time, without a server:
    /// what a run would send (before artefacts of delivery such as duplicate uploads).
    public func preview(hours: Double) -> [(device: String, readings: [SimulatedReading])] {
        members.map { member in
            var model = member.model
            return (member.model.id, model.readings(until: hours * 3600))
        }
    }

    /// The screening stations' events over the first `hours` of physiological time.
    public func screeningPreview(hours: Double) -> [ScreeningKiosk.Event] {
        scenarios.flatMap { $0.screening ?? [] }.flatMap { station in
            var kiosk = ScreeningKiosk(station, clock: clock, seed: options.seed)
            return kiosk.events(until: hours * 3600)
        }
    }
}
