/// One page of the numeric values recorded for a code (``VigilStore/values(of:after:limit:)``):
/// stored Observations with a `valueQuantity`, then device readings, and where the next page
/// starts (nil: the end). What research aggregates read instead of whole resources.
public struct ValuePage: Sendable {
    /// One value: whose, what and when.
    public struct Entry: Sendable, Equatable {
        /// The store's number for the patient, as the population table knows them
        /// (``PopulationTable/Person/key``): millions of values are placed without a string each.
        public var patientKey: Int64
        public var value: Double
        /// The effective time (milliseconds).
        public var time: Int64

        public init(patientKey: Int64, value: Double, time: Int64) { (self.patientKey, self.value, self.time) = (patientKey, value, time) }
    }

    public var values: [Entry]
    public var next: ExportCursor?

    public init(values: [Entry], next: ExportCursor?) { (self.values, self.next) = (values, next) }
}
