public import Foundation
import VigilCore

/// A scenario: the people, their devices and how their bodies change, as a documented JSON file
/// people can copy and change (`docs/simulator.md` explains every field). The built-in ones are in
/// `Sources/VigilSimulator/Scenarios`.
public struct Scenario: Sendable, Codable, Equatable {
    /// A ward, a school class: a FHIR Group of patients that a care team looks after.
    public struct Group: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
    }

    /// A person who looks after patients: a Practitioner (or, for a caregiver, a RelatedPerson of
    /// the first patient in `of`), an account with `role`, and a member of the care teams of `of`
    /// (group or patient ids).
    public struct Staff: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var role: String
        public var username: String
        public var of: [String]
        /// Their phone, in their record (the school view's "who to call").
        public var phone: String?
    }

    /// Something the patient's care team recorded, stored when the scenario is registered: a test
    /// result (DiagnosticReport), an imaging study (ImagingStudy) or a treatment started then
    /// (MedicationStatement).
    public struct Record: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable { case result, imaging, medication }
        public var kind: Kind
        public var name: String
        /// A result's conclusion, an imaging report.
        public var conclusion: String?
        /// Imaging: the DICOM modality (`CR`, `CT`, `MR`) and where the images are kept.
        public var modality: String?
        public var location: String?
        /// Medication: how it is given.
        public var dosage: String?
    }

    /// A written plan for the people looking after the patient (the asthma or hypoglycaemia action
    /// plan), stored as an active CarePlan whose activities are its steps.
    public struct ActionPlan: Sendable, Codable, Equatable {
        public var title: String
        public var description: String?
        public var steps: [String]
    }

    public struct Device: Sendable, Codable, Equatable {
        public var id: String
        public var kind: DeviceKind
        /// How it sends (default: the usual way for its kind).
        public var transport: DeviceTransport?
        /// Seconds between measurements of each vital sign, replacing the kind's defaults.
        public var every: [Vital: Double]?
        public var artefacts: [Artefact]?
        /// Battery charge at the start, percent (default 90).
        public var battery: Double?

        public init(
            id: String, kind: DeviceKind, transport: DeviceTransport? = nil, every: [Vital: Double]? = nil, artefacts: [Artefact]? = nil,
            battery: Double? = nil
        ) {
            (self.id, self.kind, self.transport, self.every, self.artefacts, self.battery) = (id, kind, transport, every, artefacts, battery)
        }
    }

    /// A diagnosis recorded as a FHIR Condition (SNOMED CT).
    public struct Condition: Sendable, Codable, Equatable {
        public var code: String
        public var display: String
    }

    /// An alert the scenario is meant to raise for a patient (checked by the tests).
    public struct ExpectedAlert: Sendable, Codable, Equatable {
        public var kind: String
        public var priority: String
    }

    public struct Patient: Sendable, Codable, Equatable {
        public var id: String
        public var given: String
        public var family: String
        public var ageYears: Double
        public var gender: String
        /// The ward or class.
        public var group: String?
        /// Resting values replacing the age's baseline.
        public var baseline: [Vital: Double]?
        public var course: Course?
        public var conditions: [Condition]?
        /// Peak-flow personal best (L/min), set in the patient's CarePlan: the asthma rules run.
        public var peakFlowBest: Double?
        /// Where the patient spends the day (home when no place holds the hour), as smartwatches report it.
        public var places: [Place]?
        public var devices: [Device]
        public var records: [Record]?
        public var actionPlan: ActionPlan?
        /// The alerts this patient's story should raise; empty: a stable patient, who should raise
        /// no high-priority alert.
        public var expectedAlerts: [ExpectedAlert]?
        public var note: String?

        public init(id: String, given: String, family: String, ageYears: Double, gender: String, devices: [Device]) {
            (self.id, self.given, self.family, self.ageYears, self.gender, self.devices) = (id, given, family, ageYears, gender, devices)
        }

        /// The body this patient's devices measure.
        public var model: PatientModel {
            var values = Baseline.forAge(ageYears)
            if let best = peakFlowBest { values[.peakFlow] = best * 0.95 }
            values.merge(baseline ?? [:]) { _, chosen in chosen }
            return PatientModel(baseline: values, course: course ?? Course())
        }
    }

    /// A fever-screening station in a public place (airport, station): anonymous travellers pass
    /// its thermal camera, a few of them febrile.
    public struct ScreeningStation: Sendable, Codable, Equatable {
        /// The kiosk's Device id; its site is the Location ``locationID``.
        public var id: String
        /// The site's name.
        public var site: String
        public var travellersPerHour: Double
        /// The share of travellers with a fever.
        public var febrileShare: Double
        /// Days of earlier screenings the kiosk uploads when it starts (its archive), at
        /// `febrileShare` and in real time: the baseline the site's surveillance reads.
        public var historyDays: Int?
        /// The febrile share once a cluster has begun: `outbreakHours` before the run started (in
        /// the archive, then live), or at its start.
        public var outbreakFebrileShare: Double?
        public var outbreakHours: Double?
        /// The site's fever cut-off in °C (its cameras' calibration); the server's default without.
        public var cutOff: Double?

        public init(
            id: String, site: String, travellersPerHour: Double, febrileShare: Double, historyDays: Int? = nil, outbreakFebrileShare: Double? = nil,
            outbreakHours: Double? = nil, cutOff: Double? = nil
        ) {
            (self.id, self.site, self.travellersPerHour, self.febrileShare) = (id, site, travellersPerHour, febrileShare)
            (self.historyDays, self.outbreakFebrileShare, self.outbreakHours, self.cutOff) = (
                historyDays, outbreakFebrileShare, outbreakHours, cutOff
            )
        }

        /// The id of the Location the kiosk stands at.
        public var locationID: String { "\(id)-site" }
    }

    public var name: String
    public var description: String
    public var groups: [Group]?
    public var staff: [Staff]?
    public var patients: [Patient]
    public var screening: [ScreeningStation]?
    /// The HL7 sending facility (MSH-4) of the scenario's monitors' gateway.
    public var facility: String?
    /// Where `vigil demo`, which tells every story over and over, begins this one (hours into
    /// the courses), so that something happens in the demo's first minutes.
    public var demoStartHour: Double?

    public init(name: String, description: String, patients: [Patient]) {
        (self.name, self.description, self.patients) = (name, description, patients)
    }

    /// How long the story takes, in physiological hours (the longest course).
    public var hours: Double { patients.map { $0.course?.hours ?? 0 }.max() ?? 0 }

    /// The body `patient`'s devices measure: told once, or over and over from ``demoStartHour``.
    public func body(of patient: Patient, replaying: Bool) -> PatientModel {
        replaying ? patient.model.replaying(fromHour: demoStartHour ?? 0) : patient.model
    }

    /// Every device with its patient.
    public var devices: [(patient: Patient, device: Device)] { patients.flatMap { patient in patient.devices.map { (patient, $0) } } }
}

extension Scenario {
    /// The names of the built-in scenarios.
    public static var builtIn: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static var directory: URL { Bundle.module.resourceURL!.appendingPathComponent("Scenarios") }

    /// A built-in scenario by name, or a scenario file by path.
    public static func load(_ nameOrPath: String) throws -> Scenario {
        let builtIn = directory.appendingPathComponent(nameOrPath + ".json")
        let url = FileManager.default.fileExists(atPath: builtIn.path) ? builtIn : URL(fileURLWithPath: nameOrPath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw VigilError(.notFound, "no scenario '\(nameOrPath)': give a file or one of \(Self.builtIn.joined(separator: ", "))")
        }
        return try decode(data, from: url.lastPathComponent)
    }

    /// Reads a scenario file.
    public static func decode(_ data: Data, from file: String) throws -> Scenario {
        let scenario: Scenario
        do {
            scenario = try JSONDecoder().decode(Scenario.self, from: data)
        } catch let error as DecodingError {
            throw VigilError(.invalid, "\(file): \(error.readable)")
        }
        guard scenario.problems.isEmpty else { throw VigilError(.invalid, "\(file): \(scenario.problems.joined(separator: "; "))") }
        return scenario
    }
}

extension DecodingError {
    /// Where and what, in a line.
    var readable: String {
        func path(_ context: Context) -> String { context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined() }
        switch self {
        case .keyNotFound(let key, let context): return "\(path(context)).\(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(self)"
        }
    }
}
