/// One page of the numeric values recorded for a code (``VigilStore/values(of:after:limit:)``):
/// stored Observations with a `valueQuantity`, then device readings, and where the next page
/// starts (nil: the end). What research aggregates read instead of whole resources.
public struct ValuePage: Sendable {
    /// One value: whose, what and when.
    public struct Entry: Sendable, Equatable {
        /// `Patient/ID`.
        public var patient: String
        public var value: Double
        /// The effective time (milliseconds).
        public var time: Int64

        public init(patient: String, value: Double, time: Int64) { (self.patient, self.value, self.time) = (patient, value, time) }
    }

    public var values: [Entry]
    public var next: ExportCursor?

    public init(values: [Entry], next: ExportCursor?) { (self.values, self.next) = (values, next) }
}
