import Foundation
import Synchronization
public import VigilCore

/// Checkpoints of the audit chain's head, appended to a log beside the anchor and never
/// rewritten: at the first commit after start and then at most once per interval. The verifier
/// requires the chain to hold every checkpoint, so that putting back an older anchor file does
/// not hide records cut off the end.
///
/// What keeps the log itself from being put back is the kernel: made append-only
/// (`chattr +a`, by root), it can be appended to but neither rewritten nor replaced, even by
/// the server's own user. The server says at start when it is not.
///
/// File format, one line per checkpoint: `SEQ HASH-HEX TAG-HEX`, where TAG is an HMAC over
/// `checkpoint SEQ HASH-HEX`.
public final class AuditCheckpointLog: Sendable {
    public let path: String
    private let sealer: HMACAuditSealer
    private let interval: Duration
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    public init(path: String, sealer: HMACAuditSealer, interval: Duration) {
        self.path = path
        self.sealer = sealer
        self.interval = interval
    }

    /// Appends `head` when the interval has passed since the last checkpoint of this process.
    /// - Returns: false when the line could not be written (it is tried again at the next head).
    @discardableResult
    public func record(_ head: AuditHead, now: ContinuousClock.Instant = .now) -> Bool {
        last.withLock { last in
            if let last, now - last < interval { return true }
            let body = "\(head.seq) \(Hex.encode(head.hash))"
            let line = Array("\(body) \(Hex.encode(sealer.tag("checkpoint " + body)))\n".utf8)
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            guard line.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == line.count, fsync(fd) == 0 else { return false }
            last = now
            return true
        }
    }

    /// Every checkpoint, oldest first; none when the log does not exist. A last line cut short (a
    /// crash while appending) is ignored.
    /// - Throws: ``VigilError`` when a line's tag is wrong: the log was edited, or written with
    ///   another key.
    public func read() throws(VigilError) -> [AuditHead] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n")
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        return try lines.map { line throws(VigilError) in
            let parts = line.split(separator: " ")
            guard parts.count == 3, let seq = Int64(parts[0]), let hash = Hex.decode(parts[1]), let tag = Hex.decode(parts[2]),
                sealer.tag("checkpoint \(parts[0]) \(parts[1])") == tag
            else {
                throw VigilError(.internal, "the audit checkpoint log \(path) was edited or written with another key")
            }
            return AuditHead(seq: seq, hash: hash)
        }
    }

    /// Creates the log when it does not exist, so that it can be made append-only before the
    /// first checkpoint.
    public func create() throws(VigilError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { throw VigilError(.internal, "cannot create the audit checkpoint log \(path)") }
        close(fd)
    }

    /// Whether the file has the append-only attribute (`chattr +a`).
    public var isAppendOnly: Bool {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var flags: CInt = 0
        let getFlags: UInt = 0x8008_6601  // FS_IOC_GETFLAGS
        guard ioctl(fd, getFlags, &flags) == 0 else { return false }
        return flags & 0x20 != 0  // FS_APPEND_FL
    }
}
