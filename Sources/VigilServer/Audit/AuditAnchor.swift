import Foundation
public import Logging
import Synchronization
public import VigilCore

/// The newest audit record's position and hash, kept in a file beside the audit key (outside the
/// database) and moved forward after every commit that appends to the chain. The verifier
/// compares the chain with it, so that cutting records off the end of the chain is detected.
///
/// File format, one line: `SEQ HASH-HEX TAG-HEX`, where TAG is an HMAC over `SEQ HASH-HEX`.
///
/// Failing to move it (a full disk) never undoes or fails the commit it follows: the failure is
/// logged and kept as ``problem`` (which `/health` reports) until a later move succeeds, which
/// anchors the newest head.
public final class AuditAnchor: Sendable {
    public let path: String
    /// The checkpoints appended as the anchor moves (nil: none, as for a backup's anchor).
    public let checkpoints: AuditCheckpointLog?
    private let sealer: HMACAuditSealer
    private let logger: Logger?
    /// Why the last move failed, until one succeeds.
    private let failure = Mutex<String?>(nil)
    private let writeCount = Mutex(0)

    public init(path: String, sealer: HMACAuditSealer, checkpoints: AuditCheckpointLog? = nil, logger: Logger? = nil) {
        self.path = path
        self.checkpoints = checkpoints
        self.sealer = sealer
        self.logger = logger
    }

    /// The anchor of a data directory, with its checkpoint log.
    public convenience init(configuration: VigilConfiguration, sealer: HMACAuditSealer, logger: Logger? = nil) {
        let checkpoints = AuditCheckpointLog(
            path: configuration.auditCheckpointFile, sealer: sealer, interval: .seconds(configuration.auditCheckpointSeconds))
        self.init(path: configuration.auditAnchorFile, sealer: sealer, checkpoints: checkpoints, logger: logger)
    }

    /// Why the anchor is behind the chain (its last move failed), or nil.
    public var problem: String? { failure.withLock { $0 } }

    /// How many times this process wrote the anchor (once per commit that appended to the chain).
    public var writes: Int { writeCount.withLock { $0 } }

    /// The anchored head, when the file exists and its tag is valid.
    public func read() throws(VigilError) -> AuditHead? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard parts.count == 3, let seq = Int64(parts[0]), let hash = Hex.decode(parts[1]), let tag = Hex.decode(parts[2]),
            sealer.tag("\(parts[0]) \(parts[1])") == tag
        else {
            throw VigilError(.internal, "the audit anchor \(path) is damaged or was written with another key")
        }
        return AuditHead(seq: seq, hash: hash)
    }

    /// Moves the anchor to `head` unless it already stands at or after it (another process, such
    /// as `vigil users`, may have moved it meanwhile: the file is read each time).
    /// - Returns: whether the anchor now stands at or after `head`.
    @discardableResult
    public func advance(to head: AuditHead) -> Bool {
        failure.withLock { failure in
            if let current = try? read(), current.seq >= head.seq { return true }
            let body = "\(head.seq) \(Hex.encode(head.hash))"
            let line = Array((body + " " + Hex.encode(sealer.tag(body)) + "\n").utf8)
            let temporary = path + ".tmp"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            let written = fd < 0 ? -1 : line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if fd >= 0 { close(fd) }
            guard written == line.count, rename(temporary, path) == 0 else {
                unlink(temporary)
                if failure == nil {
                    logger?.error("cannot move the audit anchor; it stays behind until a later move succeeds", metadata: ["path": "\(path)"])
                }
                failure = "the anchor \(path) could not be written; it is behind the chain"
                return false
            }
            if failure != nil { logger?.notice("the audit anchor is written again", metadata: ["path": "\(path)"]) }
            failure = nil
            writeCount.withLock { $0 += 1 }
            checkpoints?.record(head)
            return true
        }
    }
}

/// Lower-case hexadecimal.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let high = value(chars[i]), let low = value(chars[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}
