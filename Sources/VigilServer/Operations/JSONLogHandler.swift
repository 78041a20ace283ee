import Foundation
public import Logging
import Synchronization
import VigilCore

/// Log lines as JSON objects (`{"time":…,"level":…,"label":…,"message":…,…metadata}`), one per
/// line on standard error, for log collectors.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    private static let output = Mutex<Void>(())

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: JSONObject = [
            "time": .string(FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))),
            "level": .string(event.level.rawValue),
            "label": .string(label),
            "message": .string(event.message.description),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { object[key] = .string(value.description) }
        var line = JSON.object(object).serialized()
        line.append(0x0A)
        Self.output.withLock { _ in FileHandle.standardError.write(Data(line)) }
    }
}
