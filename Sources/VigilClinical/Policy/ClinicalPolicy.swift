public import Foundation
public import VigilCore

/// Every threshold Vigil's rules use, as one versioned document. The server runs the standard
/// policy unless given another (`--policy FILE`, the same structure as JSON); each patient's care
/// plan can override threshold rules, the NEWS2 scale and the peak-flow personal best.
public struct ClinicalPolicy: Sendable, Codable, Equatable {
    /// Names this version of the thresholds; stored with every score and alert.
    public var version: String
    /// How old a vital sign may be and still count towards a score (seconds).
    public var freshnessSeconds: Int
    /// How old a recorded consciousness level or oxygen flag may be (seconds).
    public var assessmentFreshnessSeconds: Int
    /// A score reads each vital sign as the median of its readings over this many seconds up to
    /// its newest: a continuous monitor's artefact (a moving patient, a loose probe) does not
    /// move the score, and a reading taken every few hours is read as it is. 0: the newest alone.
    public var scoreSmoothingSeconds: Int
    /// How far ahead of the server's clock a measurement time is still trusted (seconds): a
    /// device reading further ahead is quarantined, a person's entry refused, and the rules never
    /// read one; one within it counts as measured now.
    public var clockToleranceSeconds: Int
    public var news2: NEWS2Policy
    /// Patients younger than this get PEWS instead of NEWS2 (NEWS2 is for adults).
    public var paediatricBelowAgeInMonths: Int
    public var pews: PEWSPolicy
    public var qsofa: QSOFAPolicy
    public var thresholds: [ThresholdRule]
    public var glucose: GlucosePolicy
    public var asthma: AsthmaPolicy
    public var fever: FeverPolicy
    public var technical: TechnicalPolicy
    public var episodes: EpisodePolicy
    public var escalation: EscalationPolicy
    public var commands: CommandPolicy

    /// Reads a policy document.
    /// - Throws: a decoding error, or ``VigilError`` listing the ``problems`` of a policy that
    ///   decodes but cannot be used.
    public static func decode(_ data: Data) throws -> ClinicalPolicy {
        let policy = try JSONDecoder().decode(ClinicalPolicy.self, from: data)
        let problems = policy.problems
        guard problems.isEmpty else { throw VigilError(.invalid, problems.joined(separator: "; ")) }
        return policy
    }

    /// This policy as a JSON document.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

/// Device and data-flow checks, as data.
public struct TechnicalPolicy: Sendable, Codable, Equatable {
    /// A device is silent after this many of its usual intervals without a reading.
    public var silentAfterIntervals: Double
    /// …but never sooner than this (seconds).
    public var silentAtLeastSeconds: Int
    /// Expected intervals by code, for devices whose cadence is known (seconds): a CGM every 5 minutes.
    public var expectedIntervalSeconds: [String: Int]
    public var silentPriority: Priority
    /// Battery readings (`urn:vigil:device-metric` `battery-level`, %) below this are low.
    public var batteryLowBelow: Double
    public var batteryPriority: Priority
    /// Device clocks ahead of the server by more than the policy's clock tolerance raise a
    /// clock-skew alert (their readings are quarantined).
    public var clockSkewPriority: Priority
    /// This many refused readings from one device within the window raise an alert.
    public var rejectedBurst: Int
    public var rejectedWindowSeconds: Int
    public var rejectedPriority: Priority

    public static let standard = TechnicalPolicy(
        silentAfterIntervals: 3, silentAtLeastSeconds: 120, expectedIntervalSeconds: ["99504-3": 300, "105272-9": 300],
        silentPriority: .medium, batteryLowBelow: 20, batteryPriority: .low, clockSkewPriority: .low,
        rejectedBurst: 10, rejectedWindowSeconds: 300, rejectedPriority: .low
    )
}

extension ClinicalPolicy {
    /// The default policy: RCP NEWS2 2017, Bedside PEWS 2009, Sepsis-3 qSOFA, ADA glucose levels,
    /// NAEPP peak-flow zones, BTS/SIGN asthma flags, fever at 38.0 °C, and a few sustained
    /// threshold rules chosen to cut false alarms (SpO2 below 90 % for two minutes, …).
    public static let standard = ClinicalPolicy(
        version: "vigil-standard-2026.12",
        freshnessSeconds: 3600,
        assessmentFreshnessSeconds: 4 * 3600,
        scoreSmoothingSeconds: 300,
        clockToleranceSeconds: 300,
        news2: .rcp2017,
        paediatricBelowAgeInMonths: 192,
        pews: .bedside2009,
        qsofa: .sepsis3,
        thresholds: [
            ThresholdRule(
                id: "spo2-low", codes: ["59408-5", "2708-6"], unit: "%", direction: .below, limit: 90, clearAt: 92, sustainedSeconds: 120,
                priority: .high, message: "SpO2 below 90 % for two minutes"),
            ThresholdRule(
                id: "heart-rate-high", codes: ["8867-4"], unit: "/min", direction: .above, limit: 140, clearAt: 125, sustainedSeconds: 120,
                priority: .medium, message: "Heart rate above 140/min for two minutes", fromAgeInMonths: 192),
            ThresholdRule(
                id: "heart-rate-low", codes: ["8867-4"], unit: "/min", direction: .below, limit: 40, clearAt: 45, sustainedSeconds: 60,
                priority: .high, message: "Heart rate below 40/min for a minute", fromAgeInMonths: 192),
            ThresholdRule(
                id: "systolic-low", codes: ["8480-6"], unit: "mm[Hg]", direction: .below, limit: 90, clearAt: 95, sustainedSeconds: 0,
                priority: .medium, message: "Systolic blood pressure below 90 mmHg", fromAgeInMonths: 192),
        ],
        glucose: .standard,
        asthma: .standard,
        fever: .standard,
        technical: .standard,
        episodes: .standard,
        escalation: .standard,
        commands: .standard
    )
}
