/// A screening site's settings, from its FHIR Location: the fever cut-off its kiosks are read
/// against. A thermal camera reads skin, not body, temperature, so the cut-off is the site's,
/// calibrated for its cameras (clinical.md §6); without one it is 38.0 °C, the clinical
/// definition and the aviation protocols' secondary-check trigger.
///
/// The cut-off is the extension ``cutOffExtension`` on the Location with a `valueQuantity` in
/// `Cel` or `[degF]`, between 34 and 42 °C.
public struct ScreeningSite: Sendable, Equatable {
    public static let cutOffExtension = "urn:vigil:fhir:fever-cut-off"
    public static let defaultCutOff = 38.0

    /// The Location's id.
    public var id: String
    /// Temperatures at or above it (°C) are febrile.
    public var cutOff: Double
    /// Why the Location's own cut-off was not taken (the default is used), or nil.
    public var problem: String?

    /// The site of `location` (its JSON, nil when the Location is not recorded).
    public init(id: String, location: JSON?) {
        self.id = id
        cutOff = Self.defaultCutOff
        guard let stated = location?["extension"]?.arrayValue?.first(where: { $0["url"]?.stringValue == Self.cutOffExtension }) else { return }
        let quantity = stated["valueQuantity"]
        let unit = quantity?["code"]?.stringValue ?? quantity?["unit"]?.stringValue ?? ""
        guard let value = quantity?["value"]?.doubleValue, let celsius = ScreeningEvent.celsius(code: ScreeningEvent.code, value: value, unit: unit)
        else {
            problem = "the fever cut-off must be a valueQuantity in Cel or [degF]; \(Self.defaultCutOff) °C is used"
            return
        }
        guard (34...42).contains(celsius) else {
            problem = "a fever cut-off of \(celsius) °C is outside 34–42 °C; \(Self.defaultCutOff) °C is used"
            return
        }
        cutOff = celsius
    }
}
