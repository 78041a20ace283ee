/// The observation codes Vigil accepts from devices, with their units and plausible ranges.
///
/// This is data: the built-in table (``standard``) covers vital signs, glucose, peak flow and
/// activity (LOINC codes with UCUM units); a deployment may pass its own catalog.
/// A device reading must use a code in the catalog; people entering observations through FHIR
/// may use any code, and are checked against the catalog when the code is in it.
public struct CodeCatalog: Sendable {
    private let definitions: [String: CodeDefinition]

    public init(_ definitions: [CodeDefinition]) {
        self.definitions = Dictionary(definitions.map { ($0.code, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The definition of a LOINC code, or nil when the catalog does not hold it.
    public func definition(of code: String) -> CodeDefinition? { definitions[code] }

    /// All definitions, ordered by code.
    public var all: [CodeDefinition] { definitions.values.sorted { $0.code < $1.code } }

    public static let standard = CodeCatalog([
        // Vital signs (FHIR R4 vital-signs profile codes, UCUM units from ucum-vitals-common).
        .init(code: "8867-4", display: "Heart rate", category: "vital-signs", units: ["/min": 0...350]),
        .init(code: "9279-1", display: "Respiratory rate", category: "vital-signs", units: ["/min": 0...150]),
        .init(code: "59408-5", display: "Oxygen saturation in Arterial blood by Pulse oximetry", category: "vital-signs", units: ["%": 0...100]),
        .init(code: "2708-6", display: "Oxygen saturation in Arterial blood", category: "vital-signs", units: ["%": 0...100]),
        .init(code: "8310-5", display: "Body temperature", category: "vital-signs", units: ["Cel": 10...47, "[degF]": 50...116.6]),
        .init(code: "8480-6", display: "Systolic blood pressure", category: "vital-signs", units: ["mm[Hg]": 0...400]),
        .init(code: "8462-4", display: "Diastolic blood pressure", category: "vital-signs", units: ["mm[Hg]": 0...300]),
        .init(code: "8478-0", display: "Mean blood pressure", category: "vital-signs", units: ["mm[Hg]": 0...350]),
        .init(code: "29463-7", display: "Body weight", category: "vital-signs", units: ["kg": 0...700, "g": 0...700_000, "[lb_av]": 0...1550]),
        .init(code: "8302-2", display: "Body height", category: "vital-signs", units: ["cm": 0...300, "[in_i]": 0...120]),
        .init(code: "39156-5", display: "Body mass index (BMI) [Ratio]", category: "vital-signs", units: ["kg/m2": 0...250]),
        .init(code: "9843-4", display: "Head Occipital-frontal circumference", category: "vital-signs", units: ["cm": 0...100, "[in_i]": 0...40]),
        .init(code: "40443-4", display: "Heart rate --resting", category: "vital-signs", units: ["/min": 0...350]),
        .init(code: "8873-2", display: "Heart rate 24 hour maximum", category: "vital-signs", units: ["/min": 0...350]),
        // Oxygen therapy, read by early-warning scores.
        .init(code: "3150-0", display: "Inhaled oxygen concentration", category: "vital-signs", units: ["%": 21...100]),
        .init(code: "3151-8", display: "Inhaled oxygen flow rate", category: "vital-signs", units: ["L/min": 0...70]),
        // Glucose: meters, laboratory and CGM (interstitial fluid).
        .init(code: "2339-0", display: "Glucose [Mass/volume] in Blood", category: "laboratory", units: ["mg/dL": 0...2000]),
        .init(code: "15074-8", display: "Glucose [Moles/volume] in Blood", category: "laboratory", units: ["mmol/L": 0...111]),
        .init(code: "2345-7", display: "Glucose [Mass/volume] in Serum or Plasma", category: "laboratory", units: ["mg/dL": 0...2000]),
        .init(code: "14749-6", display: "Glucose [Moles/volume] in Serum or Plasma", category: "laboratory", units: ["mmol/L": 0...111]),
        .init(code: "99504-3", display: "Glucose [Mass/volume] in Interstitial fluid", category: "laboratory", units: ["mg/dL": 0...1000]),
        .init(code: "105272-9", display: "Glucose [Moles/volume] in Interstitial fluid", category: "laboratory", units: ["mmol/L": 0...56]),
        // Asthma and activity.
        .init(
            code: "19935-6", display: "Maximum expiratory gas flow Respiratory system airway by Peak flow meter", category: "exam",
            units: ["L/min": 0...1000]),
        .init(code: "41950-7", display: "Number of steps in 24 hour Measured", category: "activity", units: ["/d": 0...200_000]),
        .init(code: "93832-4", display: "Sleep duration", category: "activity", units: ["h": 0...24]),
        // Device metrics, in Vigil's own code system.
        .init(system: "urn:vigil:device-metric", code: "battery-level", display: "Device battery charge", category: nil, units: ["%": 0...100]),
    ])
}
