import VigilCore

/// Technical checks of one device, as a value: silent for longer than its cadence allows (learned
/// from the intervals between its uploads, or configured per code), low battery, a clock ahead of
/// the server's, a burst of refused readings. Times are server times in milliseconds.
public struct DeviceMonitor: Sendable, Equatable {
    public private(set) var lastReceived: Int64?
    /// Smoothed interval between uploads (seconds).
    public private(set) var learnedInterval: Double?
    /// Configured interval of the codes it sends (seconds), the shortest.
    public private(set) var expectedInterval: Double?
    private var rejections: [Int64] = []
    /// Conditions raised now, by kind.
    public private(set) var raised: Set<String> = []

    public init() {}

    /// A monitor restored from the store: the last upload and the one before it.
    public init(lastReceived: Int64, previousReceived: Int64?) {
        self.lastReceived = lastReceived
        self.learnedInterval = previousReceived.map { Double(lastReceived - $0) / 1000 }
    }

    /// Takes over a condition (`device-silent`, `battery-low`, …) whose alert is open in the store.
    public mutating func adopt(kind: String) { raised.insert(kind) }

    /// One upload: its stored readings (code, value, unit), how many of its readings were refused,
    /// and how many of those were dated ahead of the server's clock beyond the tolerance.
    public mutating func received(
        at now: Int64, readings: [(code: String, value: Double, unit: String)], rejected: Int, clockAhead: Int = 0, device: String,
        policy: TechnicalPolicy
    ) -> [EngineOutput] {
        if !readings.isEmpty {
            if let last = lastReceived, now > last {
                let interval = Double(now - last) / 1000
                learnedInterval = learnedInterval.map { 0.7 * $0 + 0.3 * interval } ?? interval
            }
            lastReceived = max(lastReceived ?? now, now)
            for reading in readings {
                if let expected = policy.expectedIntervalSeconds[reading.code].map(Double.init) {
                    expectedInterval = min(expectedInterval ?? expected, expected)
                }
            }
        }
        var outputs: [EngineOutput] = []
        if !readings.isEmpty { outputs += set("device-silent", device: device, nil) }
        if let battery = readings.last(where: { $0.code == ClinicalCodes.batteryLevel }) {
            outputs += set(
                "battery-low", device: device,
                battery.value < policy.batteryLowBelow
                    ? (policy.batteryPriority, "Device \(device): battery at \(Int(battery.value)) %", ["battery": .double(battery.value)]) : nil)
        }
        if clockAhead > 0 || !readings.isEmpty {
            outputs += set(
                "clock-skew", device: device,
                clockAhead > 0
                    ? (
                        policy.clockSkewPriority, "Device \(device): clock ahead of the server; readings quarantined",
                        ["readings": .integer(clockAhead)]
                    )
                    : nil)
        }
        let windowStart = now - Int64(policy.rejectedWindowSeconds) * 1000
        rejections.removeAll { $0 < windowStart }
        rejections += Array(repeating: now, count: rejected)
        if rejections.count >= policy.rejectedBurst {
            outputs += set(
                "rejected-readings", device: device,
                (
                    policy.rejectedPriority, "Device \(device): \(rejections.count) readings refused in \(policy.rejectedWindowSeconds / 60) min",
                    ["refused": .integer(rejections.count)]
                ))
        } else if rejections.isEmpty {
            outputs += set("rejected-readings", device: device, nil)
        }
        return outputs
    }

    /// How long without an upload makes the device silent (seconds), or nil while unknown.
    public func silenceLimit(policy: TechnicalPolicy) -> Double? {
        guard let interval = expectedInterval ?? learnedInterval else { return nil }
        return max(Double(policy.silentAtLeastSeconds), interval * policy.silentAfterIntervals)
    }

    /// Checks for silence at `now`.
    public mutating func tick(now: Int64, device: String, policy: TechnicalPolicy) -> [EngineOutput] {
        guard let last = lastReceived, let limit = silenceLimit(policy: policy), !raised.contains("device-silent") else { return [] }
        let silent = Double(now - last) / 1000
        guard silent > limit else { return [] }
        return set(
            "device-silent", device: device,
            (
                policy.silentPriority, "Device \(device) silent for \(Int(silent / 60)) min",
                ["lastReading": .string(FHIRDateTime.instant(milliseconds: last)), "limitSeconds": .integer(Int(limit))]
            ))
    }

    private mutating func set(_ kind: String, device: String, _ condition: (Priority, String, JSONObject)?) -> [EngineOutput] {
        let key = "\(kind):\(device)"
        switch (condition, raised.contains(kind)) {
        case (let (priority, message, values)?, false):
            raised.insert(kind)
            var values = values
            values["device"] = .string(device)
            return [.raise(AlertCondition(key: key, kind: kind, priority: priority, message: message, values: .object(values)))]
        case (nil, true):
            raised.remove(kind)
            return [.clear(key: key, values: ["device": .string(device)])]
        default:
            return []
        }
    }
}
