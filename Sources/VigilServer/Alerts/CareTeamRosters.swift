import Foundation
import Logging
import Synchronization
import VigilClinical
import VigilCore

/// Patients' care teams as the people who can be told, with when they are on duty
/// (``DutyRoster``): every account whose FHIR user is a participant, at its escalation level, with
/// the hours of that Practitioner's PractitionerRoles (active, in their period) in the time zone
/// of the role's first location (the Location's `timezone` extension), else the server's.
///
/// The alerts' routing and `GET /api/on-duty` both read rosters here, so that what the route
/// explains is what routing does. Routing reads the rosters of now (``current(patients:)``), kept
/// for ``lifetime`` milliseconds of the server clock and forgotten when a commit writes a care team,
/// a group, hours, a location or an account (a change made on another node counts within the
/// lifetime).
final class CareTeamRosters: Sendable {
    let store: any VigilStore
    let policy: EscalationPolicy
    let clock: any VigilClock
    /// The time zone of hours whose role names no location stating one.
    let defaultZone: TimeZone
    let logger: Logger
    /// How long the rosters of now and the accounts are reused, in milliseconds.
    let lifetime: Int64 = 10_000
    private struct Cache {
        var accounts: (at: Int64, accounts: Accounts)?
        var rosters: [String: (at: Int64, roster: DutyRoster?)] = [:]
        var generation: UInt64 = 0
    }
    private let cache = Mutex(Cache())

    init(store: any VigilStore, policy: EscalationPolicy, clock: any VigilClock, defaultZone: TimeZone, logger: Logger) {
        (self.store, self.policy, self.clock, self.defaultZone, self.logger) = (store, policy, clock, defaultZone, logger)
    }

    /// The rosters of `patients` now, reused while fresh.
    func current(patients: Set<String>) async throws -> [String: DutyRoster] {
        let now = clock.now()
        let (known, generation) = cache.withLock { cache in
            (cache.rosters.filter { patients.contains($0.key) && now >= $0.value.at && now - $0.value.at < lifetime }, cache.generation)
        }
        let missing = patients.subtracting(known.keys)
        let read = missing.isEmpty ? [:] : try await rosters(patients: missing, at: now)
        cache.withLock { cache in
            // A commit during the read left it stale: the next call reads again.
            guard cache.generation == generation else { return }
            for patient in missing { cache.rosters[patient] = (now, read[patient]) }
        }
        return known.compactMapValues(\.roster).merging(read) { $1 }
    }

    /// The rosters of `patients` at `time`; a patient without a care team has none.
    func rosters(patients: Set<String>, at time: Int64) async throws -> [String: DutyRoster] {
        guard !patients.isEmpty, !policy.levels.isEmpty else { return [:] }
        let teams = try await store.careTeams(patients: patients.sorted(), at: time)
        guard !teams.isEmpty else { return [:] }
        let users = try await self.users().filter { !$0.disabled && $0.fhirUser != nil }
        let members = Set(teams.values.flatMap(\.keys))
        let hours = try await self.hours(of: Set(users.compactMap { $0.fhirUser?.description }).intersection(members), at: time)
        return teams.mapValues { team in
            DutyRoster(
                users.compactMap { user in
                    guard let member = user.fhirUser?.description, let level = level(of: user, team: team) else { return nil }
                    return DutyRoster.Member(account: "user/\(user.username)", level: level, hours: hours[member] ?? [])
                })
        }
    }

    /// A person's escalation level for a patient (``EscalationPolicy/level(accountRole:teamRoles:)``);
    /// nil when they are on none of the patient's care teams (`team`: members with their roles).
    func level(of user: UserAccount, team: [String: Set<String>]) -> Int? {
        guard let member = user.fhirUser?.description, let teamRoles = team[member] else { return nil }
        return policy.level(accountRole: user.role.rawValue, teamRoles: teamRoles)
    }

    /// The accounts, and how each person who chose to be told beyond the dashboard wants it (by
    /// `user/NAME`), read together so that preferences are read once per reading of the accounts.
    struct Accounts: Sendable {
        var users: [UserAccount]
        var preferences: [String: NotificationPreferences]

        init(_ users: [UserAccount]) {
            self.users = users
            preferences = [:]
            for user in users where !user.disabled {
                guard let json = user.notifications, let chosen = try? NotificationPreferences(json: json) else { continue }
                preferences["user/\(user.username)"] = chosen
            }
        }
    }

    /// The accounts, reused while fresh.
    func accounts() async throws -> Accounts {
        let now = clock.now()
        let (cached, generation) = cache.withLock { ($0.accounts, $0.generation) }
        if let cached, now >= cached.at, now - cached.at < lifetime { return cached.accounts }
        let accounts = Accounts(try await store.users())
        cache.withLock { cache in if cache.generation == generation { cache.accounts = (now, accounts) } }
        return accounts
    }

    func users() async throws -> [UserAccount] { try await accounts().users }

    func preferences() async throws -> [String: NotificationPreferences] { try await accounts().preferences }

    /// The hours of the PractitionerRoles of `practitioners` in force at `time`, by practitioner.
    /// Hours that cannot be read (stored before they were checked) are left out with a warning:
    /// the person then stands in like one without hours, and is told rather than missed.
    private func hours(of practitioners: Set<String>, at time: Int64) async throws -> [String: [DutyRoster.RoleHours]] {
        let references = practitioners.filter { $0.hasPrefix("Practitioner/") }.sorted()
        guard !references.isEmpty, let parameter = FHIRSearchParameter.parameters(of: .practitionerRole)["practitioner"] else { return [:] }
        let filter = FHIRSearchQuery.Filter(parameter: parameter, values: references.map { .reference($0) })
        let roles = try await store.search(FHIRSearchQuery(type: .practitionerRole, filters: [filter], count: 1000)).resources
        var zones: [String: TimeZone] = [:]
        var hours: [String: [DutyRoster.RoleHours]] = [:]
        for role in roles where Self.inForce(role.json, at: time) {
            guard let practitioner = role.json["practitioner"]?["reference"]?.stringValue,
                role.json["availableTime"] != nil || role.json["notAvailable"] != nil
            else { continue }
            do {
                let zone = try await zone(of: role.json, cache: &zones)
                let available = role.json["availableTime"]?.arrayValue ?? [["allDay": true]]
                let stated = try DutyHours(availableTime: available, notAvailable: role.json["notAvailable"]?.arrayValue ?? [], timeZone: zone)
                hours[practitioner, default: []].append(DutyRoster.RoleHours(role: "PractitionerRole/\(role.id)", hours: stated))
            } catch {
                logger.warning("hours not read", metadata: ["role": "PractitionerRole/\(role.id)", "error": "\(error)"])
            }
        }
        return hours
    }

    /// Whether a PractitionerRole applies at `time`: not marked inactive, within its period.
    private static func inForce(_ role: JSON, at time: Int64) -> Bool {
        guard role["active"]?.boolValue != false else { return false }
        let start = role["period"]?["start"]?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound ?? .min
        let end = role["period"]?["end"]?.stringValue.flatMap(FHIRDateTime.init)?.upperBound ?? .max
        return start <= time && time <= end
    }

    /// The time zone of a role's first location, else the server's.
    private func zone(of role: JSON, cache: inout [String: TimeZone]) async throws -> TimeZone {
        guard let reference = role["location"]?[0]?["reference"]?.stringValue.flatMap(FHIRReference.init), reference.type == "Location"
        else { return defaultZone }
        if let zone = cache[reference.id] { return zone }
        let location = try await store.resource(.location, id: reference.id)
        let zone = try location.flatMap { $0.isDeleted ? nil : try DutyHours.timeZone(of: $0.json) } ?? defaultZone
        cache[reference.id] = zone
        return zone
    }
}

extension CareTeamRosters: CommitSubscriber {
    /// The resources a roster is read from.
    private static let sources: Set<FHIRResourceType> = [.careTeam, .group, .practitionerRole, .location]

    /// Forgets the rosters and the accounts when a commit wrote what they are read from.
    func committed(_ commit: Committed) async {
        guard !commit.users.isEmpty || commit.resources.contains(where: { Self.sources.contains($0.type) }) else { return }
        cache.withLock { cache in
            cache.generation &+= 1
            cache.accounts = nil
            cache.rosters.removeAll(keepingCapacity: true)
        }
    }
}
