import VigilClinical
import VigilCore

/// Runs an ``ExposureRequest`` on the store: the index's pings, everyone's pings in their
/// neighbourhood over the window (``ExposureTracing``), and the conditions that make a visitor
/// of the index's places another case.
struct ExposureSearch: Sendable {
    let store: any VigilStore

    struct Case: Sendable {
        var patient: String
        var places: [String]
    }

    struct Found: Sendable {
        var contacts: [ExposureTracing.Contact]
        var visits: [ExposureTracing.Visit]
        var cases: [Case]
        /// The conditions that made a case.
        var conditions: [ValueSetCode]

        func json(_ asked: ExposureRequest) -> JSON {
            func time(_ milliseconds: Int64) -> JSON { .string(FHIRDateTime.instant(milliseconds: milliseconds)) }
            return [
                "index": .string("Patient/\(asked.index)"), "from": time(asked.from), "to": time(asked.to - 1),
                "distanceMeters": .double(asked.distance), "minutes": .integer(asked.minutes),
                "contacts": .array(
                    contacts.map { contact in
                        [
                            "patient": .string("Patient/\(contact.patient)"), "minutes": .integer(contact.minutes), "first": time(contact.first),
                            "last": time(contact.last), "places": .array(contact.places.map(JSON.string)),
                        ]
                    }),
                "source": [
                    "places": .array(
                        visits.map { visit in
                            ["place": .string(visit.place), "first": time(visit.first), "last": time(visit.last), "minutes": .integer(visit.minutes)]
                        }),
                    "conditions": .array(conditions.map { .string("\($0.system)|\($0.code)") }),
                    "cases": .array(
                        cases.map { found in ["patient": .string("Patient/\(found.patient)"), "places": .array(found.places.map(JSON.string))] }),
                ],
            ]
        }
    }

    /// The most patients sharing a condition whose pings source tracing reads.
    static let mostCases = 10_000

    func run(_ asked: ExposureRequest) async throws -> Found {
        let index = try await store.pings(patient: asked.index, from: asked.from, to: asked.to)
        let tracing = ExposureTracing(index: index, distance: asked.distance)
        let others = index.isEmpty ? [] : try await store.pings(in: tracing.neighbourhood)
        let contacts = tracing.contacts(among: others, minutes: asked.minutes)
        var conditions = asked.condition.map { [$0] } ?? []
        if conditions.isEmpty { conditions = try await activeConditions(of: asked.index) }
        // Other cases: the patients with one of the conditions, and where they were in the window.
        var cases: [Case] = []
        if !index.isEmpty, !conditions.isEmpty {
            let records = try await store.population(PopulationQuery(conditions: conditions, vaccines: []))
            let sharing = records.filter { record in
                record.patient != asked.index && record.conditions.contains { code in conditions.contains { $0.matches(code) } }
            }
            for record in sharing.prefix(Self.mostCases) {
                let pings = try await store.pings(patient: record.patient, from: asked.from, to: asked.to)
                if let places = tracing.visitors(among: pings)[record.patient] {
                    cases.append(Case(patient: record.patient, places: places.sorted()))
                }
            }
        }
        return Found(contacts: contacts, visits: tracing.visits, cases: cases, conditions: conditions)
    }

    /// The codes of a patient's active conditions, read as cohorts read them (``PopulationFact``).
    private func activeConditions(of patient: String) async throws -> [ValueSetCode] {
        var query = try FHIRSearchQuery.parse(type: .condition, parameters: [])
        query.scope = .compartments(["Patient/\(patient)"], includeUnassigned: false)
        query.count = 1000
        var codes: [ValueSetCode] = []
        for resource in try await store.search(query).resources {
            for case .condition(_, let system, let code) in PopulationFact.facts(of: resource.json, type: .condition, id: resource.id) {
                codes.append(ValueSetCode(system: system, code: code))
            }
        }
        return Array(Set(codes)).sorted { ($0.system, $0.code) < ($1.system, $1.code) }
    }
}
