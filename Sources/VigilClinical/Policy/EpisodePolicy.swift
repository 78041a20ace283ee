/// How conditions of one patient become alerts, as data: conditions of the same physiology form
/// one episode (one alert that follows the patient), a score leaves its band only after staying
/// lower for a while, and a score rising within the same priority notifies again.
public struct EpisodePolicy: Sendable, Codable, Equatable {
    /// Conditions that form one episode: those of the listed kinds, and threshold rules reading
    /// any of the listed codes. A condition in no group is an episode of its own.
    public struct Group: Sendable, Codable, Equatable {
        /// The episode's condition key (`deterioration`, `hypoglycaemia`).
        public var id: String
        /// Condition kinds, most telling first: the first open one leads the alert's message.
        public var kinds: [String]
        public var thresholdCodes: [String]

        public init(id: String, kinds: [String], thresholdCodes: [String] = []) {
            self.id = id
            self.kinds = kinds
            self.thresholdCodes = thresholdCodes
        }
    }

    public var groups: [Group]
    /// A score (NEWS2, PEWS, qSOFA) leaves the band that raised its condition only after staying
    /// below it this long (seconds), so that a score moving 5↔4 is one alert. 0: at once.
    public var bandHoldSeconds: Int
    /// How many points below a band's lower edge a score's total must be, by kind, to count as
    /// having left it: a NEWS2 moving 5→3 as the respiratory rate wavers at 20–21/min (0 or 2
    /// points) stays in the medium band.
    public var bandClearMargin: [String: Int]
    /// How many points below a red score (3) a NEWS2 parameter must be for the low-medium band
    /// (a single red score) to be left: SpO2 wavering at 91–92 % (3 or 2 points) keeps it.
    public var redScoreClearMargin: Int
    /// How many points a score must rise above what was last notified, by kind, for the alert to
    /// notify again within the same priority.
    public var worsenBy: [String: Int]

    public init(groups: [Group], bandHoldSeconds: Int, bandClearMargin: [String: Int], redScoreClearMargin: Int, worsenBy: [String: Int]) {
        self.groups = groups
        self.bandHoldSeconds = bandHoldSeconds
        self.bandClearMargin = bandClearMargin
        self.redScoreClearMargin = redScoreClearMargin
        self.worsenBy = worsenBy
    }

    /// The group of a condition, by its kind, or for a threshold rule by the code it reads.
    public func group(kind: String, code: String?) -> Group? {
        groups.first { $0.kinds.contains(kind) || (kind == "threshold" && code.map($0.thresholdCodes.contains) == true) }
    }

    /// Vital-sign deterioration (the scores, fever, asthma flags and threshold rules on vital
    /// signs) and hypoglycaemia (the low, its forecast and a fast fall) as one episode each; a
    /// band left after 5 minutes at least 2 points below it (NEWS2, PEWS; a red score 1 point
    /// below 3); NEWS2 and PEWS notify again 2 points up, qSOFA 1.
    public static let standard = EpisodePolicy(
        groups: [
            Group(
                id: "deterioration", kinds: ["news2", "pews", "qsofa", "asthma-red-flag", "peak-flow", "fever"],
                thresholdCodes: ["9279-1", "59408-5", "2708-6", "8480-6", "8867-4", "8310-5"]),
            Group(id: "hypoglycaemia", kinds: ["glucose-low", "glucose-predicted-low", "glucose-falling-fast"]),
        ],
        bandHoldSeconds: 300,
        bandClearMargin: ["news2": 2, "pews": 2], redScoreClearMargin: 1,
        worsenBy: ["news2": 2, "pews": 2, "qsofa": 1]
    )

    /// Every condition its own alert, bands left at once, no re-notification within a priority:
    /// the behaviour before episodes (for `vigil bench alarms --episodes off`).
    public static let none = EpisodePolicy(groups: [], bandHoldSeconds: 0, bandClearMargin: [:], redScoreClearMargin: 0, worsenBy: [:])
}
