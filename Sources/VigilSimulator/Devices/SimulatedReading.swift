/// One measurement a simulated device sends: its sequence number, the device's timestamp (real
/// time, plus any drift of its clock), what it measured (a code of Vigil's catalog) and the value;
/// or, with ``place``, where its wearer is (a location ping).
public struct SimulatedReading: Sendable, Equatable {
    public var seq: Int64
    /// Milliseconds since 1970 on the device's clock.
    public var time: Int64
    public var code: String
    public var value: Double
    public var unit: String
    /// A location ping's place (a Location's id); then code, value and unit are not sent.
    public var place: String?

    public init(seq: Int64, time: Int64, code: String, value: Double, unit: String, place: String? = nil) {
        self.place = place
        self.seq = seq
        self.time = time
        self.code = code
        self.value = value
        self.unit = unit
    }
}
