import Foundation

/// The process's limit on open descriptors (sockets, files), raised at start as far as the
/// system allows: every HTTP, MQTT and MLLP connection holds one.
enum DescriptorLimit {
    /// Descriptors kept for the database, the broker, MLLP, logs and key files.
    static let reserve = 512

    /// Raises the soft limit to the hard limit; the soft limit after.
    @discardableResult
    static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The connection cap: `wanted`, or what the descriptor limit leaves room for.
    static func connectionCap(wanted: Int, descriptors: Int) -> Int {
        max(1, min(wanted, descriptors - reserve))
    }
}
