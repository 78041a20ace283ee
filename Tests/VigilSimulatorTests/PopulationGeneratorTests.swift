import Testing
import VigilCore
import VigilSimulator

/// The synthetic population: the same person for the same seed, valid FHIR, facts a cohort reads.
@Suite struct PopulationGeneratorTests {
    static let generator = PopulationGenerator(seed: 7, now: 1_796_385_600_000)

    @Test func aPersonIsTheSameForTheSameSeedAndValidFHIR() {
        for n in [0, 1, 2, 999] {
            let person = Self.generator.person(n).resources
            #expect(person.map(\.json) == Self.generator.person(n).resources.map(\.json))
            #expect(person.first?.type == .patient && person.first?.id == "pop-\(n)")
            for resource in person {
                #expect(FHIRValidator.validate(resource.json, as: resource.type.rawValue).isEmpty, "\(resource.id)")
            }
        }
        #expect(
            Self.generator.person(5).resources.map(\.json) != PopulationGenerator(seed: 8, now: Self.generator.now).person(5).resources.map(\.json))
    }

    /// Over 5,000 people the shares come out near the table's rates.
    @Test func sharesAreNearTheirRates() {
        var elderly = 0, severeObesity = 0, adults = 0, households: [String: Int] = [:]
        for n in 0..<5000 {
            let facts = Self.generator.person(n).resources.flatMap { PopulationFact.facts(of: $0.json, type: $0.type, id: $0.id) }
            for fact in facts {
                switch fact {
                case .person(_, let birth, let area, _, _):
                    if let birth, birth < "1961-12-04" { elderly += 1 }
                    households[area ?? "", default: 0] += 1
                case .bmi(_, let value, _):
                    adults += 1
                    if value >= 40 { severeObesity += 1 }
                default: break
                }
            }
        }
        #expect((700...1000).contains(elderly), "\(elderly) of 5,000 aged 65 and over (17 %)")
        #expect((Double(severeObesity) / Double(adults) - 0.09).magnitude < 0.02)
        #expect(households.count > 100)
    }
}
