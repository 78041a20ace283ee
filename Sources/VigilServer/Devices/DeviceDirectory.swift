import Synchronization
public import VigilCore

/// Which device a token belongs to, which patients a device has been on, and which Patient or
/// Device an identifier names (HL7's PID-3 and OBX-18): read from the store once and kept until a
/// commit changes them (``committed(_:)``), so that a device sending one reading at a time costs
/// no read of the store. A commit that issues or revokes a credential forgets every token before
/// its writer answers, so a revocation holds from the next request; one that writes a Device
/// forgets that device's links and site; one that writes a Patient or Device forgets the identifiers of
/// that type.
///
/// Only tokens that name an active credential are kept (a guessed token costs a read each time),
/// at most ``capacity`` of each, beyond which everything is forgotten and read again.
public final class DeviceDirectory: CommitSubscriber {
    private struct State {
        var devices: [[UInt8]: String] = [:]
        var links: [String: DeviceLinkHistory] = [:]
        var sites: [String: String] = [:]
        var identifiers: [IdentifierKey: String] = [:]
        /// Moves on every forgetting, so that a read that started before it is not kept.
        var generation: UInt64 = 0
    }

    private let store: any VigilStore
    private let state = Mutex(State())
    let capacity: Int

    init(store: any VigilStore, capacity: Int = 100_000) {
        self.store = store
        self.capacity = capacity
    }

    /// The device whose active credential has this token hash.
    func device(forCredential hash: [UInt8]) async throws -> String? {
        try await cached(\.devices, hash) { try await store.device(forCredential: hash) }
    }

    /// The patients `device` has been on.
    func links(device: String) async throws -> DeviceLinkHistory {
        // The read always has an answer (an empty history at worst), so there is always a value.
        try await cached(\.links, device) { try await store.deviceLinks(device: device) }!
    }

    /// The Location a device stands at (`Device.location`), for a screening kiosk: a device with a
    /// location and no patient. Nil when the device names none.
    func site(device: String) async throws -> String? {
        try await cached(\.sites, device) {
            guard let stored = try await store.resource(.device, id: device), !stored.isDeleted,
                let reference = stored.json["location"]?["reference"]?.stringValue.flatMap(FHIRReference.init), reference.type == "Location"
            else { return nil }
            return reference.id
        }
    }

    /// The ids of the resources of `type` with the identifier `value` (any system), at most two;
    /// kept when there is exactly one.
    func resources(_ type: FHIRResourceType, identifier value: String) async throws -> [String] {
        var found: [String] = []
        let one = try await cached(\.identifiers, IdentifierKey(type: type, value: value)) {
            found = try await store.searchIDs(FHIRSearchQuery.parse(type: type, parameters: [("identifier", value), ("_count", "2")]))
            return found.count == 1 ? found[0] : nil
        }
        return one.map { [$0] } ?? found
    }

    private struct IdentifierKey: Hashable, Sendable {
        var type: FHIRResourceType
        var value: String
    }

    /// The value kept under `key` in `table`, or `read()`'s, kept unless something was forgotten
    /// while it was read (nil is not kept).
    private func cached<Key: Hashable & Sendable, Value: Sendable>(
        _ table: WritableKeyPath<State, [Key: Value]>, _ key: Key, read: () async throws -> Value?
    ) async throws -> Value? {
        let (kept, generation) = state.withLock { ($0[keyPath: table][key], $0.generation) }
        if let kept { return kept }
        guard let value = try await read() else { return nil }
        state.withLock { state in
            guard state.generation == generation else { return }
            if state[keyPath: table].count >= capacity { state[keyPath: table].removeAll() }
            state[keyPath: table][key] = value
        }
        return value
    }

    public func committed(_ commit: Committed) async {
        let devices = commit.resources.filter { $0.type == .device }.map(\.id)
        let identified = Set(commit.resources.map(\.type)).intersection([.patient, .device])
        guard !commit.credentials.isEmpty || !devices.isEmpty || !identified.isEmpty else { return }
        state.withLock { state in
            state.generation &+= 1
            if !commit.credentials.isEmpty { state.devices.removeAll() }
            for device in devices { (state.links[device], state.sites[device]) = (nil, nil) }
            if !identified.isEmpty { state.identifiers = state.identifiers.filter { !identified.contains($0.key.type) } }
        }
    }
}
