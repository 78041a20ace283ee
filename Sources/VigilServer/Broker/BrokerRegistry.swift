public import Logging
import Synchronization
public import VigilCore

/// Which devices may use the broker, seen from the server: the devices with an active
/// credential (read again at most once a second, and at once after this node changes one), and,
/// when Vigil manages the broker (`--broker-config`), the broker's files kept in step.
public final class BrokerRegistry: CommitSubscriber {
    private let store: any VigilStore
    private let clock: any VigilClock
    private let files: BrokerFiles?
    /// The server's own broker password (derived from its key file; never logged).
    let serverPassword: String
    private let logger: Logger
    private let cache = Mutex<(devices: Set<String>, loaded: Int64?)>(([], nil))

    public init(store: any VigilStore, clock: any VigilClock, files: BrokerFiles?, serverKey: [UInt8], logger: Logger) {
        self.store = store
        self.clock = clock
        self.files = files
        self.serverPassword = Base64URL.encode(serverKey)
        self.logger = logger
    }

    /// Whether `device` has an active credential (so its topic may carry readings).
    func isActive(device: String) async throws -> Bool {
        let now = clock.now()
        if let devices = cache.withLock({ cache in cache.loaded.map { now - $0 < 1000 } == true ? cache.devices : nil }) {
            return devices.contains(device)
        }
        let devices = Set(try await store.brokerAccounts().map(\.device))
        cache.withLock { $0 = (devices, now) }
        return devices.contains(device)
    }

    /// Credentials were issued or revoked: forget what was cached, and have the broker's files
    /// rewritten (by ``BrokerSync``, which coalesces changes that come together).
    public func committed(_ commit: Committed) async {
        guard !commit.credentials.isEmpty else { return }
        cache.withLock { $0.loaded = nil }
        if files != nil { changes.yield() }
    }

    /// Whether the store is shared by several nodes (``SharedStore``): the leading one writes the files.
    var isShared: Bool { store is any SharedStore }

    /// Changes not yet written to the broker's files (at most one waits: one write covers them all).
    let (pendingChanges, changes) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    /// Writes the password file, ACL and configuration from the registry (when Vigil manages the
    /// broker) and signals the broker to reload them.
    public func writeFiles() async throws {
        guard let files else { return }
        let accounts = try await store.brokerAccounts()
        try files.write(serverHash: MosquittoPasswordHash.make(password: serverPassword), devices: accounts)
        let signalled = files.signalReload()
        logger.info(
            "broker accounts written", metadata: ["devices": "\(accounts.count)", "directory": "\(files.directory)", "reloaded": "\(signalled)"])
    }
}
