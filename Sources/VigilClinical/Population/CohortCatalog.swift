public import Foundation
public import VigilCore

/// The cohort definitions a server answers by name: the shipped ones, replaced or joined by a
/// site's document (a JSON array of definitions, `vigil serve --cohorts FILE`).
public struct CohortCatalog: Sendable {
    public private(set) var definitions: [String: CohortDefinition]

    public static let shipped = CohortCatalog(definitions: Dictionary(uniqueKeysWithValues: CohortDefinition.shipped.map { ($0.name, $0) }))

    init(definitions: [String: CohortDefinition]) { self.definitions = definitions }

    /// The shipped definitions with those of `document`, which replace shipped ones of the same name.
    /// - Throws: ``VigilError`` naming every problem of the document.
    public static func with(document data: Data) throws -> CohortCatalog {
        let site: [CohortDefinition]
        do {
            site = try JSONDecoder().decode([CohortDefinition].self, from: data)
        } catch {
            throw VigilError(.invalid, "not a JSON array of cohort definitions: \(error)")
        }
        var problems = site.flatMap(\.problems)
        if Set(site.map(\.name)).count != site.count { problems.append("names must be unique") }
        guard problems.isEmpty else { throw VigilError(.invalid, problems.joined(separator: "; ")) }
        var catalog = shipped
        for definition in site { catalog.definitions[definition.name] = definition }
        return catalog
    }

    /// The definition called `name`; for `unvaccinated-high-risk`, built from `vaccines`.
    /// - Throws: ``VigilError`` `notFound` for an unknown name, `invalid` for missing vaccines.
    public func definition(named name: String, vaccines: [ValueSetCode]) throws -> CohortDefinition {
        if name == CohortDefinition.unvaccinatedHighRisk {
            guard !vaccines.isEmpty else {
                throw VigilError(.invalid, "\(name) needs vaccine=SYSTEM|CODE[,…] (CVX: http://hl7.org/fhir/sid/cvx|88)", expression: "vaccine")
            }
            return .unvaccinatedHighRisk(vaccines: vaccines)
        }
        guard var definition = definitions[name] else {
            let known = ([CohortDefinition.unvaccinatedHighRisk] + definitions.keys.sorted()).joined(separator: ", ")
            throw VigilError(.notFound, "no cohort definition \(name); known: \(known)")
        }
        if !vaccines.isEmpty { definition.protection.vaccines = vaccines }
        return definition
    }
}
