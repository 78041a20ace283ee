import Hummingbird
import VigilClinical
import VigilCore

/// Small-scale questions about a research project's population without files, for the
/// researchers assigned to it and administrators, audited with the project and the question; those
/// who refused research are left out, cells of fewer than k patients suppressed:
///
/// - `GET /api/research/{project}/aggregates`: the count, mean, standard deviation and percentiles
///   of a coded value (readings and stored Observations alike, ``ResearchAggregate``);
/// - `GET /api/research/{project}/alerts`: the alerts raised, by kind (``ResearchAlertTally``).
///
/// Parameters: `code=CODE` or `SYSTEM|CODE` (the code, any system; aggregates only, required),
/// `by=age,sex,area,month` (any of them; default none: one cell), `range=LOW,HIGH` (aggregates: the
/// share of values within it, time in range for CGM), `from` and `to` (FHIR dates or instants
/// bounding the values' times or the alerts' raising).
struct ResearchRoutes {
    let runtime: VigilRuntime
    /// Alerts read from the store at once.
    static let pageSize = 10_000

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/api/research/:project/aggregates") { request, context in
                try await answer(request, context, taking: ["code", "by", "range", "from", "to"]) { project, population, query in
                    guard project.types.contains(.observation) else {
                        throw VigilError(.forbidden, "the research project does not cover Observation")
                    }
                    guard let code = query.code else {
                        throw VigilError(.invalid, "code is required: the code of the value asked about", expression: "code")
                    }
                    var aggregate = ResearchAggregate(by: query.dimensions, range: query.range)
                    try await ValueReading(store: runtime.store, code: code).forEachPage { values in
                        aggregate.add(values, within: query.times, of: population)
                    }
                    return Self.json(aggregate, project: project, code: code)
                }
            },
            VigilRoute(.get, "/api/research/:project/alerts") { request, context in
                try await answer(request, context, taking: ["by", "from", "to"]) { project, population, query in
                    var tally = ResearchAlertTally(by: query.dimensions)
                    var before: Int64?
                    repeat {
                        let page = try await runtime.store.alerts(AlertQuery(since: query.times.lowerBound, before: before, limit: Self.pageSize))
                        for alert in page where alert.raised <= query.times.upperBound {
                            guard let patient = population.byID["Patient/" + alert.patient] else { continue }
                            tally.add(alert.kind, at: alert.raised, of: patient, in: population)
                        }
                        before = page.count == Self.pageSize ? page.last?.id : nil
                    } while before != nil
                    return Self.json(tally, project: project)
                }
            },
        ]
    }

    /// Answers a question about the request's project: checks that the asker may ask it and how,
    /// reads the project's population, and audits the question with the project.
    private func answer(
        _ request: Request, _ context: VigilRequestContext, taking parameters: Set<String>,
        _ body: (ResearchProject, NumberedPopulation, Query) async throws -> JSON
    ) async throws -> Response {
        let project = try await runtime.researchProject(try context.parameters.require("project"), for: context.principal)
        let query = try Query(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, taking: parameters)
        let population = try await runtime.population.research(project.population, at: runtime.clock.now())
        let answer = try await body(project, population, query)
        let question = request.uri.path.split(separator: "/").last.map(String.init) ?? ""
        try await runtime.audit([
            runtime.auditEvent(
                context.principal, client: context.clientAddress, action: .read, resource: "ResearchStudy/\(project.id)/\(question)",
                detail: "project \(project.id): \(request.uri.query ?? "")")
        ])
        return FHIRJSON.response(answer, mediaType: FHIRJSON.jsonMediaType)
    }

    /// The question asked.
    struct Query {
        var code: String?
        var dimensions: [ResearchAggregate.Dimension] = []
        var range: ClosedRange<Double>?
        var times: ClosedRange<Int64> = .min ... .max

        /// - Throws: ``VigilError`` (400) for a parameter not in `names` or one it cannot read.
        init(_ parameters: [(String, String)], taking names: Set<String>) throws {
            for (name, value) in parameters {
                guard names.contains(name) else {
                    throw VigilError(
                        .invalid, "\(name) is not a parameter here; it takes \(names.sorted().joined(separator: ", "))", expression: name)
                }
                switch name {
                case "code":
                    code = value.split(separator: "|", omittingEmptySubsequences: false).last.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
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
                default:
                    guard let time = FHIRDateTime(value) else { throw VigilError(.invalid, "\(name) takes a FHIR date or instant", expression: name) }
                    times = name == "from" ? time.lowerBound...times.upperBound : times.lowerBound...time.upperBound
                }
            }
        }
    }

    /// The place of a cell, as JSON members named for the dimensions.
    private static func place(_ place: [ResearchAggregate.Dimension: String], _ dimensions: [ResearchAggregate.Dimension]) -> JSONObject {
        JSONObject(dimensions.map { ($0.rawValue, JSON.string(place[$0]!)) })
    }

    static func json(_ aggregate: ResearchAggregate, project: ResearchProject, code: String) -> JSON {
        let cells: [JSON] = aggregate.report.map { cell in
            var object = place(cell.place, aggregate.dimensions)
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
            "project": .string(project.id), "code": .string(code), "by": .array(aggregate.dimensions.map { .string($0.rawValue) }),
            "k": .integer(aggregate.k), "cells": .array(cells),
        ]
    }

    static func json(_ tally: ResearchAlertTally, project: ResearchProject) -> JSON {
        let cells: [JSON] = tally.report.map { cell in
            var object = place(cell.place, tally.dimensions)
            if let (patients, kinds) = cell.counts {
                object["patients"] = .integer(patients)
                object["alerts"] = .object(JSONObject(kinds.sorted { $0.key < $1.key }.map { ($0.key, JSON.integer($0.value)) }))
            } else {
                object["suppressed"] = true
            }
            return .object(object)
        }
        return [
            "project": .string(project.id), "by": .array(tally.dimensions.map { .string($0.rawValue) }), "k": .integer(tally.k),
            "cells": .array(cells),
        ]
    }
}
