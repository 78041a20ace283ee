import Foundation
public import VigilCore

/// The Mosquitto configuration Vigil writes from its device registry: a password file (each
/// device's username is its Device id, its password its token; plus the server's own account),
/// an ACL that lets each device publish only its readings and read only its ack and commands, and
/// a `mosquitto.conf` that uses them with anonymous access off.
public struct BrokerFiles: Sendable {
    /// The server's own account on the broker.
    public static let serverUsername = "vigil-server"

    /// Where the files go (`passwords`, `acl`, `mosquitto.conf`, the broker's `mosquitto.pid`, and
    /// `conf.d` for the operator's own settings).
    public var directory: String
    /// The address the broker listens on, written into `mosquitto.conf`.
    public var listenHost: String = "127.0.0.1"
    public var listenPort: Int = 1883
    /// The largest packet the broker takes (`max_packet_size`): a reading batch of the largest
    /// body Vigil accepts, with its topic and headers. Below what the server's own client reads
    /// (``mqttPacketLimit(_:)``), so that the broker refuses a larger message before it stores
    /// and redelivers it.
    public var maximumPacketSize = IngestLimits().maxBodyBytes + 512

    /// The largest packet the server's MQTT client reads for `limits`: above the broker's
    /// `max_packet_size`, so that whatever the broker took, the server can read its head,
    /// acknowledge it and refuse it.
    public static func mqttPacketLimit(_ limits: IngestLimits) -> Int { limits.maxBodyBytes + 1024 }

    /// - Parameter directory: made absolute, since the broker reads the paths from its own working directory.
    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
    }

    public var passwordFile: String { directory + "/passwords" }
    public var aclFile: String { directory + "/acl" }
    public var configurationFile: String { directory + "/mosquitto.conf" }
    public var pidFile: String { directory + "/mosquitto.pid" }
    /// The operator's own broker settings, included by `mosquitto.conf` and never rewritten.
    public var includeDirectory: String { directory + "/conf.d" }

    /// The password file's text: the server, then every device that has a broker hash.
    public static func passwords(server: String, devices: [DeviceBrokerAccount]) -> String {
        var lines = ["\(serverUsername):\(server)"]
        for account in devices {
            if let hash = account.passwordHash, account.device != serverUsername { lines.append("\(account.device):\(hash)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The ACL's text.
    public static let acl = """
        # Written by Vigil. Each device (its username is its Device id) publishes only its own
        # readings and answers to commands, and reads only its own acknowledgements and commands.
        pattern write vigil/devices/%u/readings
        pattern write vigil/devices/%u/commands/ack
        pattern read vigil/devices/%u/ack
        pattern read vigil/devices/%u/commands

        # The Vigil server: every device's readings (also through the shared subscription),
        # every device's acknowledgements and commands, and their answers.
        user \(serverUsername)
        topic read vigil/devices/+/readings
        topic read $share/vigil/vigil/devices/+/readings
        topic read vigil/devices/+/commands/ack
        topic read $share/vigil/vigil/devices/+/commands/ack
        topic write vigil/devices/+/ack
        topic write vigil/devices/+/commands

        """

    /// `mosquitto.conf`'s text.
    public var configuration: String {
        """
        # Written by Vigil (`vigil broker-config`); start the broker with `mosquitto -c \(configurationFile)`.
        # Vigil rewrites `passwords` and `acl` when a device credential is issued or revoked and
        # then signals the broker (SIGHUP, through `pid_file`) to read them again.
        # The files are readable by their owner only: the broker runs as the same user (when started as root).
        user \(Self.currentUser)
        per_listener_settings false
        listener \(listenPort) \(listenHost)
        allow_anonymous false
        password_file \(passwordFile)
        acl_file \(aclFile)
        pid_file \(pidFile)
        persistence true
        persistence_location \(directory)/data/
        # The server acknowledges a message once it is in the ingest queue: let many be in flight.
        max_inflight_messages 1000
        # Acknowledgements, commands and their answers are small messages: without this, Nagle's
        # algorithm holds each until the peer's delayed ACK (40 ms on Linux).
        set_tcp_nodelay true
        # Messages kept for a disconnected subscriber (the server while it restarts).
        max_queued_messages 1000000
        # A larger message is refused here (its sender is disconnected) instead of being stored
        # and redelivered to the server.
        max_packet_size \(maximumPacketSize)
        # Your own settings (a TLS listener for devices on the network, logging) go in files ending
        # in .conf in this directory: Vigil never rewrites them.
        include_dir \(includeDirectory)

        """
    }

    /// The name of the user this process runs as.
    static var currentUser: String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "mosquitto" }
        return String(cString: name)
    }

    /// Writes the three files (each replaced atomically, readable only by their owner), and makes
    /// the broker's data and include directories when missing.
    public func write(serverHash: String, devices: [DeviceBrokerAccount]) throws(VigilError) {
        let manager = FileManager.default
        do {
            for path in [directory + "/data", includeDirectory] {
                try manager.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            for (path, text) in [
                (passwordFile, Self.passwords(server: serverHash, devices: devices)), (aclFile, Self.acl), (configurationFile, configuration),
            ] {
                let temporary = path + ".new"
                guard manager.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw VigilError(.internal, "cannot write \(temporary)")
                }
                guard rename(temporary, path) == 0 else { throw VigilError(.internal, "cannot replace \(path) (errno \(errno))") }
            }
        } catch let error as VigilError {
            throw error
        } catch {
            throw VigilError(.internal, "cannot write the broker configuration in \(directory): \(error)")
        }
    }

    /// Asks the running broker (the pid in `mosquitto.pid`) to read its password file and ACL
    /// again. Returns false when no broker runs from this directory.
    @discardableResult
    public func signalReload() -> Bool {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        else { return false }
        return kill(pid, SIGHUP) == 0
    }
}
