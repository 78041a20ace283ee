/// How the people told about an alert answer it in `vigil bench alarms`: each acknowledges a
/// fixed time after being told (again after an upgrade cleared their acknowledgement): the
/// bedside nurse after `nurseMinutes`, the physician and rapid response after `physicianMinutes`.
public struct StaffModel: Sendable, Equatable {
    public var nurseMinutes: Double
    public var physicianMinutes: Double

    public init(nurseMinutes: Double = 3, physicianMinutes: Double = 10) {
        self.nurseMinutes = nurseMinutes
        self.physicianMinutes = physicianMinutes
    }

    /// The people at each escalation level of the standard policy, and how long each takes.
    var people: [(level: Int, name: String, minutes: Double)] {
        [(0, "user/nurse", nurseMinutes), (1, "user/physician", physicianMinutes), (2, "user/rapid-response", physicianMinutes)]
    }
}
