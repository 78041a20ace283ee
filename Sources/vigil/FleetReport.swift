import Foundation
import VigilCore
import VigilSimulator

/// Runs a fleet and says, every so often, what it has done.
enum FleetReport {
    /// Runs `fleet`, measuring for `seconds` and then sending what is held (nil: until
    /// cancelled), and prints its statistics every `every`.
    static func run(_ fleet: Fleet, client: JSONClient, for seconds: Double?, every: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await fleet.run(client: client, measuringFor: seconds.map { .milliseconds(Int($0 * 1000)) }) }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: every)
                    if !Task.isCancelled { say(fleet.statistics.line) }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// How the devices send, in a line.
    static func transports(_ fleet: Fleet) -> String {
        let counts = fleet.transports.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) over \($0.key.rawValue)" }
        return "\(fleet.members.count) devices on \(Set(fleet.members.map(\.patient)).count) patients (\(counts.joined(separator: ", "))), "
            + "physiology ×\(fleet.options.speed)"
    }

    static func say(_ line: String) {
        print(line)
        fflush(nil)
    }
}

/// `vigil simulate --dry-run`: what the devices would send, as JSON lines.
enum DryRun {
    static func print(_ fleet: Fleet, hours: Double) {
        func time(_ ms: Int64) -> JSON { .string(FHIRDateTime.instant(milliseconds: ms)) }
        for (device, readings) in fleet.preview(hours: hours) {
            for r in readings {
                let line: JSON = [
                    "device": .string(device), "seq": .integer(r.seq), "time": time(r.time), "code": .string(r.code), "value": .double(r.value),
                    "unit": .string(r.unit),
                ]
                Swift.print(line.text)
            }
        }
        for ping in fleet.locationPreview(hours: hours) {
            let line: JSON = [
                "device": .string(ping.device), "patient": .string(ping.patient), "time": time(ping.time), "place": .string(ping.place),
            ]
            Swift.print(line.text)
        }
        for event in fleet.screeningPreview(hours: hours) {
            let line: JSON = [
                "screening": .string(event.site), "seq": .integer(event.seq), "time": time(event.time), "celsius": .double(event.celsius),
            ]
            Swift.print(line.text)
        }
    }
}

/// Accounts for a scenario's staff, with passwords made up on the spot.
enum DemoAccounts {
    static func passwords(for staff: [Scenario.Staff]) -> [String: String] {
        Dictionary(staff.map { ($0.username, password()) }, uniquingKeysWith: { first, _ in first })
    }

    /// 16 random characters that are easy to type.
    static func password() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        return String((0..<16).map { _ in alphabet.randomElement()! })
    }

    /// Who can sign in, as what, and whom they look after.
    static func table(_ staff: [Scenario.Staff], passwords: [String: String]) -> String {
        var seen = Set<String>()
        let rows = staff.filter { seen.insert($0.username).inserted }.map { member in
            let of = member.of.isEmpty ? "population data (no care team)" : member.of.joined(separator: ", ")
            return "  \(member.username.padding(toLength: 14, withPad: " ", startingAt: 0)) \(passwords[member.username] ?? "-")  "
                + "\(member.role) \(member.name): \(of)"
        }
        return (["Accounts (username, password, role, name: care teams of):"] + rows).joined(separator: "\n")
    }
}
