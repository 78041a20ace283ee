public import Foundation
public import HL7v2
public import VigilCore

/// An HL7 sender allowed on the MLLP listener: its sending facility (MSH-4, first component)
/// and the network it connects from, and the time zone of its clocks.
public struct MLLPSender: Sendable, Equatable {
    public var facility: String
    public var network: IPNetwork
    /// Where its clocks are: times it writes without an offset are local times there (the
    /// server's own zone unless the sender names one).
    public var timeZone: TimeZone

    /// `FACILITY@NETWORK[@ZONE]`, like `ICU-GW@10.1.0.0/16@Europe/London`.
    public init(_ text: String) throws(VigilError) {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty else {
            throw VigilError(.invalid, "an MLLP sender is FACILITY@NETWORK[@ZONE], like ICU-GW@10.1.0.0/16@Europe/London (was \(text))")
        }
        facility = parts[0]
        network = try IPNetwork(parts[1])
        if parts.count == 3 {
            guard let zone = TimeZone(identifier: parts[2]) else {
                throw VigilError(.invalid, "\(parts[2]) is not a time zone (like Europe/London or America/Chicago) in the MLLP sender \(text)")
            }
            timeZone = zone
        } else {
            timeZone = .current
        }
    }

    /// The offset of its clocks at a wall-clock time, for ``HL7Time``: the zone's offset at the
    /// instant that wall-clock time names (in a daylight-saving gap or overlap, the offset after the change).
    public var localOffset: HL7Time.LocalOffset {
        { [timeZone] wallClock in
            let guess = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wallClock) / 1000))
            return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wallClock) / 1000 - Double(guess)))
        }
    }
}
