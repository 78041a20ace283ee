import Testing
public import VigilCore

/// The behaviour every ``VigilStore`` must show, whatever its database. Each check runs on a
/// fresh, empty store; a store's own test target runs them all:
///
/// ```swift
/// @Test(arguments: StoreConformance.checks.map(\.name))
/// func conformance(_ name: String) async throws {
///     try await StoreConformance.run(name, on: try SQLiteStore.temporary())
/// }
/// ```
public enum StoreConformance {
    public typealias Check = @Sendable (any VigilStore) async throws -> Void

    /// Every check, by name.
    public static let checks: [(name: String, check: Check)] =
        resourceChecks + searchChecks + readingChecks + accountChecks + auditChecks + alertChecks + applyChecks + populationChecks
        + screeningChecks + whereaboutsChecks + outboxChecks + commandChecks

    public static func run(_ name: String, on store: any VigilStore) async throws {
        guard let check = checks.first(where: { $0.name == name })?.check else {
            Issue.record("no conformance check named \(name)")
            return
        }
        try await check(store)
    }
}

/// A deterministic stand-in for the HMAC sealer: FNV-1a over the previous hash and the record.
public struct TestSealer: AuditSealer {
    public init() {}

    public func seal(previous: [UInt8], seq: Int64, event: AuditEvent) -> [UInt8] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in previous + event.canonicalBytes(seq: seq) {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return withUnsafeBytes(of: hash.bigEndian) { Array($0) }
    }
}

/// Builders shared by the checks.
enum Fixture {
    static let t0: Int64 = 1_772_352_000_000  // 2026-03-01T08:00:00Z
    static let sealer = TestSealer()

    static func write(
        _ resource: JSON, _ type: FHIRResourceType, id: String, version: Int = 1, at time: Int64 = t0, mode: ResourceWrite.Mode = .create
    ) -> ResourceWrite {
        ResourcePreparation.write(resource, type: type, id: id, version: version, lastUpdated: time, mode: mode)
    }

    static func patient(_ id: String, family: String = "Doe") -> ResourceWrite {
        write(["resourceType": "Patient", "name": [["family": .string(family)]]], .patient, id: id)
    }

    static func device(_ id: String, patient: String?) -> ResourceWrite {
        var object: JSONObject = ["resourceType": "Device", "status": "active"]
        if let patient { object["patient"] = ["reference": .string("Patient/\(patient)")] }
        return write(.object(object), .device, id: id)
    }

    static func observation(_ id: String, patient: String, code: String, at effective: String) -> ResourceWrite {
        write(
            [
                "resourceType": "Observation", "status": "final",
                "code": ["coding": [["system": "http://loinc.org", "code": .string(code)]]],
                "subject": ["reference": .string("Patient/\(patient)")], "effectiveDateTime": .string(effective),
            ], .observation, id: id)
    }

    static func reading(
        _ device: String, _ seq: Int64, patient: String, code: String = "8867-4", value: Double = 72, at time: Int64, boot: String = "b1"
    ) -> Reading {
        Reading(
            key: ProducerKey(device: device, boot: boot, seq: seq), patient: patient, code: code, value: value, unit: "/min", time: time,
            received: time + 500)
    }

    static func event(_ n: Int, patient: String? = nil) -> AuditEvent {
        AuditEvent(time: t0 + Int64(n), actor: "user/test", role: "nurse", patient: patient, action: .read, resource: "Patient/\(n)")
    }

    /// A store with patients p1 and p2 and device d1 on p1.
    static func seeded(_ store: any VigilStore) async throws {
        try await store.write([patient("p1"), patient("p2", family: "Roe"), device("d1", patient: "p1")], audit: [], sealer: sealer)
    }
}
