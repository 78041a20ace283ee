import Hummingbird
import VigilClinical
import VigilCore

/// `GET /api/research/{project}/aggregates`: small-scale questions about a research project's
/// population without files (``ResearchAggregate``): the count, mean, standard deviation and
/// percentiles of a coded value (readings and stored Observations alike), by age band, sex, area and
/// month, cells of fewer than k patients suppressed, those who refused research left out.
/// Researchers assigned to the project and administrators; audited with the project.
///
/// Parameters: `code=CODE` or `SYSTEM|CODE` (the code, any system; required), `by=age,sex,area,month`
/// (any of them, in that order of nesting; default none: one cell), `range=LOW,HIGH` (the share of
/// values within it: time in range for CGM), `from` and `to` (FHIR dates or instants bounding the
/// values' times).
struct ResearchRoutes {
    let runtime: VigilRuntime
    /// Values read from the store at once.
    static let pageSize = 10_000

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/api/research/:project/aggregates") { request, context in
                let project = try await runtime.researchProject(try context.parameters.require("project"), for: context.principal)
                guard project.types.contains(.observation) else {
                    throw VigilError(.forbidden, "the research project does not cover Observation")
                }
                let query = try Query(request.uri.queryParameters.map { (String($0.key), String($0.value)) })
                let now = runtime.clock.now()
                let population = try await ResearchPopulation.read(
                    members: try await runtime.store.members(ofGroup: project.group), store: runtime.store, at: now)
                var aggregate = ResearchAggregate(by: query.dimensions, range: query.range)
                var cursor: ExportCursor? = .start
                while let at = cursor {
                    let page = try await runtime.store.values(of: query.code, after: at, limit: Self.pageSize)
                    for value in page.values where query.times.contains(value.time) {
                        guard let person = population.patients[value.patient] else { continue }
                        aggregate.add(value.value, at: value.time, of: value.patient, person)
                    }
                    cursor = page.next
                }
                try await runtime.audit([
                    runtime.auditEvent(
                        context.principal, client: context.clientAddress, action: .read, resource: "ResearchStudy/\(project.id)/aggregates",
                        detail: "project \(project.id): \(request.uri.query ?? "")")
                ])
                return FHIRJSON.response(Self.json(aggregate, project: project, query: query), mediaType: FHIRJSON.jsonMediaType)
            }
        ]
    }

    /// The question asked.
    struct Query {
        var code: String
        var dimensions: [ResearchAggregate.Dimension] = []
        var range: ClosedRange<Double>?
        var times: ClosedRange<Int64> = .min ... .max

        init(_ parameters: [(String, String)]) throws {
            var code: String?
            for (name, value) in parameters {
                switch name {
                case "code": code = value.split(separator: "|", omittingEmptySubsequences: false).last.map(String.init)
                case "by":
                    dimensions = try value.split(separator: ",").map { name in
                        guard let dimension = ResearchAggregate.Dimension(rawValue: String(name)) else {
                            throw VigilError(.invalid, "by takes age, sex, area and month; not \(name)", expression: "by")
                        }
                        return dimension
                    }
                case "range":
                    let ends = value.split(separator: ",").compactMap { Double($0) }
                    guard ends.count == 2, ends[0] <= ends[1] else { throw VigilError(.invalid, "range takes LOW,HIGH", expression: "range") }
                    range = ends[0]...ends[1]
                case "from", "to":
                    guard let time = FHIRDateTime(value) else { throw VigilError(.invalid, "\(name) takes a FHIR date or instant", expression: name) }
                    times = name == "from" ? time.lowerBound...times.upperBound : times.lowerBound...time.upperBound
                default:
                    throw VigilError(.invalid, "\(name) is not a parameter here; it takes code, by, range, from and to", expression: name)
                }
            }
            guard let code, !code.isEmpty else {
                throw VigilError(.invalid, "code is required: the code of the value asked about", expression: "code")
            }
            self.code = code
        }
    }

    static func json(_ aggregate: ResearchAggregate, project: ResearchProject, query: Query) -> JSON {
        let cells: [JSON] = aggregate.report.map { cell in
            var object = JSONObject(aggregate.dimensions.map { ($0.rawValue, JSON.string(cell.place[$0]!)) })
            guard let statistics = cell.statistics else {
                object["suppressed"] = true
                return .object(object)
            }
            object["patients"] = .integer(statistics.patients)
            object["values"] = .integer(statistics.values)
            for (name, value) in [
                ("mean", statistics.mean), ("sd", statistics.sd), ("p10", statistics.p10), ("p25", statistics.p25), ("median", statistics.median),
                ("p75", statistics.p75), ("p90", statistics.p90),
            ] {
                object[name] = .double(value)
            }
            if let inRange = statistics.inRange { object["inRange"] = .double(inRange) }
            return .object(object)
        }
        return [
            "project": .string(project.id), "code": .string(query.code), "by": .array(aggregate.dimensions.map { .string($0.rawValue) }),
            "k": .integer(aggregate.k), "cells": .array(cells),
        ]
    }
}
