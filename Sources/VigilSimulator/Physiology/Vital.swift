/// What a simulated body produces and a simulated device measures, with the code and unit Vigil
/// stores it as and how it varies around its mean.
public enum Vital: String, Sendable, Codable, CaseIterable {
    case heartRate, respiratoryRate, spo2, systolic, diastolic, temperature, glucose, peakFlow, steps, sleep

    /// LOINC code.
    public var code: String {
        switch self {
        case .heartRate: "8867-4"
        case .respiratoryRate: "9279-1"
        case .spo2: "59408-5"
        case .systolic: "8480-6"
        case .diastolic: "8462-4"
        case .temperature: "8310-5"
        case .glucose: "99504-3"
        case .peakFlow: "19935-6"
        case .steps: "41950-7"
        case .sleep: "93832-4"
        }
    }

    /// UCUM unit.
    public var unit: String {
        switch self {
        case .heartRate, .respiratoryRate: "/min"
        case .spo2: "%"
        case .systolic, .diastolic: "mm[Hg]"
        case .temperature: "Cel"
        case .glucose: "mg/dL"
        case .peakFlow: "L/min"
        case .steps: "/d"
        case .sleep: "h"
        }
    }

    /// Decimals a device reports.
    var decimals: Int {
        switch self {
        case .temperature, .sleep: 1
        default: 0
        }
    }

    /// Standard deviation of the measurement-to-measurement variation around the mean.
    var noise: Double {
        switch self {
        case .heartRate: 3
        case .respiratoryRate: 1
        case .spo2: 0.7
        case .systolic: 5
        case .diastolic: 3
        case .temperature: 0.1
        case .glucose: 2
        case .peakFlow: 10
        case .steps, .sleep: 0
        }
    }

    /// How much of the variation carries over to the next measurement (0: independent, near 1:
    /// smooth). A CGM's interstitial glucose is smooth; a cuff's pressures are not.
    var persistence: Double {
        switch self {
        case .glucose, .temperature: 0.95
        case .heartRate, .spo2, .respiratoryRate: 0.6
        default: 0.2
        }
    }

    /// Amplitude of the 24-hour rhythm (lowest in the early morning; temperature peaks in the
    /// late afternoon).
    var circadianAmplitude: Double {
        switch self {
        case .heartRate: 5
        case .systolic: 6
        case .diastolic: 4
        case .temperature: 0.3
        case .respiratoryRate: 1
        default: 0
        }
    }

    /// Values the body cannot leave.
    var limits: ClosedRange<Double> {
        switch self {
        case .heartRate: 25...230
        case .respiratoryRate: 4...70
        case .spo2: 50...100
        case .systolic: 50...250
        case .diastolic: 25...150
        case .temperature: 33...42.5
        case .glucose: 30...500
        case .peakFlow: 40...900
        case .steps: 0...100_000
        case .sleep: 0...16
        }
    }
}
extension Vital: CodingKeyRepresentable {}
