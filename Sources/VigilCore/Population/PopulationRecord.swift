/// One living patient's facts as a cohort reads them (``VigilStore/population(_:)``).
public struct PopulationRecord: Sendable, Equatable {
    /// A dose given: its vaccine and when (milliseconds since 1970).
    public struct Dose: Sendable, Equatable {
        public var code: PopulationCode
        public var time: Int64

        public init(code: PopulationCode, time: Int64) { (self.code, self.time) = (code, time) }
    }

    public var patient: String
    /// The birth date as recorded; nil when the record has none.
    public var birth: String?
    /// The postal code.
    public var area: String?
    /// Active conditions (those among the query's codes, at least).
    public var conditions: [PopulationCode]
    /// The latest body mass index (kg/m2).
    public var bmi: Double?
    /// Completed doses (those of the query's vaccines, at least).
    public var doses: [Dose]

    public init(patient: String, birth: String?, area: String? = nil, conditions: [PopulationCode] = [], bmi: Double? = nil, doses: [Dose] = []) {
        (self.patient, self.birth, self.area, self.conditions, self.bmi, self.doses) = (patient, birth, area, conditions, bmi, doses)
    }
}
