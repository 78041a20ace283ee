import VigilCore

/// The FHIR interactions, with authorization and audit: what the `/fhir` routes and transaction
/// bundles carry out.
struct FHIRService: Sendable {
    let runtime: VigilRuntime
    let access: AccessControl
    let client: String?

    private var principal: Principal { access.principal }

    private func event(
        _ action: AuditEvent.Action, _ resource: String, patient: String? = nil, outcome: AuditEvent.Outcome = .success, detail: String? = nil
    ) -> AuditEvent {
        runtime.auditEvent(principal, client: client, patient: patient, action: action, resource: resource, outcome: outcome, detail: detail)
    }

    /// Reads the current version. 404 for what does not exist and for what one may not see.
    func read(_ type: FHIRResourceType, id: String) async throws -> StoredResource {
        try access.require(.read, on: type)
        guard let resource = try await visible(type, id: id) else {
            try await runtime.audit([event(.read, "\(type.rawValue)/\(id)", outcome: .minorFailure, detail: "not found")])
            throw VigilError(.notFound, "\(type.rawValue)/\(id) was not found")
        }
        try await runtime.audit([event(.read, "\(type.rawValue)/\(id)", patient: resource.patient, detail: resource.isDeleted ? "deleted" : nil)])
        if resource.isDeleted { throw Self.gone(resource) }
        return resource
    }

    /// Reads one version: one the principal may see as it was then (an earlier version of a
    /// moved device names the patient it was on, which the new ward may not see).
    func vread(_ type: FHIRResourceType, id: String, version: Int) async throws -> StoredResource {
        try access.require(.vread, on: type)
        guard try await visible(type, id: id) != nil, let resource = try await runtime.store.resource(type, id: id, version: version),
            access.canSee(resource)
        else {
            try await runtime.audit([event(.read, "\(type.rawValue)/\(id)/_history/\(version)", outcome: .minorFailure, detail: "not found")])
            throw VigilError(.notFound, "\(type.rawValue)/\(id)/_history/\(version) was not found")
        }
        try await runtime.audit([event(.read, "\(type.rawValue)/\(id)/_history/\(version)", patient: resource.patient)])
        if resource.isDeleted { throw Self.gone(resource) }
        return resource
    }

    private static func gone(_ resource: StoredResource) -> VigilError {
        VigilError(
            .gone,
            "\(resource.type.rawValue)/\(resource.id) was deleted at \(FHIRDateTime.instant(milliseconds: resource.lastUpdated)) (version \(resource.version))"
        )
    }

    private func visible(_ type: FHIRResourceType, id: String) async throws -> StoredResource? {
        guard FHIRID.isValid(id), let resource = try await runtime.store.resource(type, id: id), access.canSee(resource) else { return nil }
        return resource
    }

    /// The versions of one resource (`id`), of a type, or of everything (`type` nil), newest
    /// first, that the principal may see: each version as it was then, of a type its role and
    /// scopes open to reading.
    /// - Throws: 404 for a resource it may not see, as for a read; 400 for a malformed `_since`.
    func history(_ type: FHIRResourceType?, id: String?, parameters: [(name: String, value: String)]) async throws -> [StoredResource] {
        let limits = runtime.configuration.searchLimits
        var query = HistoryQuery(type: type, id: id, count: limits.defaultCount)
        for (name, value) in parameters {
            switch name {
            case "_since":
                guard let since = FHIRDateTime(value), value.contains("T") else {
                    throw VigilError(.invalid, "_since takes an instant such as 2026-03-01T08:00:00Z", expression: "_since")
                }
                query.since = since.lowerBound
            case "_count":
                guard let count = Int(value), count >= 0 else { throw VigilError(.invalid, "_count takes a number", expression: "_count") }
                query.count = min(count, limits.maxCount)
            case "_format", "_pretty": continue
            default: throw VigilError(.invalid, "_history takes _since and _count (not \(name))", expression: name)
            }
        }
        let description = [type?.rawValue, id, "_history"].compactMap { $0 }.joined(separator: "/")
        if let type {
            try access.require(id == nil ? .search : .vread, on: type)
            query.scope = access.searchScope(for: type)
        } else if let scope = access.scope {
            query.scope = .compartments(scope.compartments, includeUnassigned: true)
        }
        var versions: [StoredResource] = []
        if let type, let id {
            // A resource it may not see has no history for it; a device reading is its one version.
            if let current = try await visible(type, id: id) {
                versions = type == .observation && FHIRID.isReadingID(id) ? [current] : try await runtime.store.history(query)
            }
        } else {
            versions = try await runtime.store.history(query)
        }
        versions = versions.filter { access.allows(.vread, on: $0.type) && access.canSee($0) }
        if let type, let id, versions.isEmpty {
            try await runtime.audit([event(.read, description, outcome: .minorFailure, detail: "not found")])
            throw VigilError(.notFound, "\(type.rawValue)/\(id) was not found")
        }
        let patients = Set(versions.compactMap(\.patient)).sorted()
        if patients.isEmpty {
            try await runtime.audit([event(.read, description, detail: "\(versions.count) versions")])
        } else {
            try await runtime.audit(patients.map { event(.read, description, patient: $0, detail: "history") })
        }
        return versions
    }

    /// `Patient/id/$everything`: the patient and every resource of their record the principal may
    /// search, at most the largest page of each type (Observations newest first).
    func everything(patient id: String) async throws -> [StoredResource] {
        let patient = try await read(.patient, id: id)
        let limits = runtime.configuration.searchLimits
        var found = [patient]
        for type in FHIRResourceType.allCases.sorted() where type != .patient && type.patientElement != nil && access.allows(.search, on: type) {
            let query = FHIRSearchQuery(type: type, count: limits.maxCount, scope: .compartments(["Patient/\(id)"], includeUnassigned: false))
            found += try await runtime.store.search(query).resources
        }
        try await runtime.audit([event(.read, "Patient/\(id)/$everything", patient: "Patient/\(id)", detail: "\(found.count) resources")])
        return found
    }

    /// Searches within what the principal may see.
    func search(_ type: FHIRResourceType, parameters: [(name: String, value: String)], lenient: Bool) async throws -> (FHIRSearchQuery, SearchPage) {
        try access.require(.search, on: type)
        var query = try FHIRSearchQuery.parse(type: type, parameters: parameters, limits: runtime.configuration.searchLimits, lenient: lenient)
        query.scope = access.searchScope(for: type)
        try await resolveJoins(&query)
        var page = try await runtime.store.search(query)
        page.included = try await included(query, page: page.resources)
        let description = "\(type.rawValue)?" + URLQuery.encode(parameters)
        let patients = Set((page.resources + page.included).compactMap(\.patient)).sorted()
        if patients.isEmpty {
            try await runtime.audit([event(.read, description, detail: "\(page.resources.count) results")])
        } else {
            try await runtime.audit(patients.map { event(.read, description, patient: $0, detail: "search") })
        }
        return (query, page)
    }

    /// Turns a query's chains and `_has` into filters the store runs: the other resources are
    /// searched first, within what the principal may see, at most the largest page of them (a
    /// condition matching more is refused: narrow it).
    private func resolveJoins(_ query: inout FHIRSearchQuery) async throws {
        let limits = runtime.configuration.searchLimits
        for join in query.joins {
            let (type, name, value): (FHIRResourceType, String, String) =
                switch join {
                case .chain(_, let target, let name, let value): (target, name, value)
                case .has(let source, _, let name, let value): (source, name, value)
                }
            try access.require(.search, on: type)
            var inner = try FHIRSearchQuery.parse(type: type, parameters: [(name, value)], limits: limits)
            inner.scope = access.searchScope(for: type)
            inner.count = limits.maxCount + 1
            switch join {
            case .chain(let parameter, let target, _, _):
                let ids = try await runtime.store.searchIDs(inner)
                guard ids.count <= limits.maxCount else {
                    throw VigilError(
                        .invalid, "\(parameter.name):\(target.rawValue).\(name) matches more than \(limits.maxCount) resources; narrow it")
                }
                // No match: a reference no resource can have (an id has no spaces).
                let targets = ids.isEmpty ? ["\(target.rawValue)/ "] : ids.map { "\(target.rawValue)/\($0)" }
                query.filters.append(.init(parameter: parameter, values: targets.map { .reference($0) }))
            case .has(let source, let parameter, _, _):
                let holders = try await runtime.store.search(inner).resources
                guard holders.count <= limits.maxCount else {
                    throw VigilError(
                        .invalid, "_has:\(source.rawValue):\(parameter.name):\(name) matches more than \(limits.maxCount) resources; narrow it")
                }
                let prefix = query.type.rawValue + "/"
                let ids = Set(
                    holders.flatMap { FHIRIndexer.references(parameter.name, in: $0.json, type: $0.type) }.filter { $0.hasPrefix(prefix) }
                        .map { String($0.dropFirst(prefix.count)) })
                query.ids = query.ids.map { $0.filter(ids.contains) } ?? ids.sorted()
            }
        }
        query.joins = []
    }

    /// What a page's `_include`s refer to and what refers to it through its `_revinclude`s, once
    /// each, leaving out the page's own resources and what the principal may not see (at most the
    /// largest page of each).
    private func included(_ query: FHIRSearchQuery, page: [StoredResource]) async throws -> [StoredResource] {
        guard !page.isEmpty, !query.includes.isEmpty || !query.revIncludes.isEmpty else { return [] }
        let limits = runtime.configuration.searchLimits
        var seen = Set(page.map { "\($0.type.rawValue)/\($0.id)" })
        var found: [StoredResource] = []
        for include in query.includes {
            let targets = page.flatMap { FHIRIndexer.references(include.parameter.name, in: $0.json, type: $0.type) }.filter(include.follows)
            for target in targets.prefix(limits.maxCount) where seen.insert(target).inserted {
                guard let reference = FHIRReference(target), let type = FHIRResourceType(rawValue: reference.type), access.allows(.read, on: type),
                    let resource = try await visible(type, id: reference.id), !resource.isDeleted
                else { continue }
                found.append(resource)
            }
        }
        for include in query.revIncludes where access.allows(.search, on: include.source) {
            let targets = page.map { "\($0.type.rawValue)/\($0.id)" }.filter(include.follows)
            for chunk in stride(from: 0, to: targets.count, by: limits.maxValues).map({
                Array(targets[$0..<min($0 + limits.maxValues, targets.count)])
            }) {
                var holders = try FHIRSearchQuery.parse(
                    type: include.source, parameters: [(include.parameter.name, chunk.joined(separator: ","))], limits: limits)
                holders.count = limits.maxCount
                holders.scope = access.searchScope(for: include.source)
                for resource in try await runtime.store.search(holders).resources
                where seen.insert("\(resource.type.rawValue)/\(resource.id)").inserted {
                    found.append(resource)
                }
            }
        }
        return found
    }

    /// The ids of the resources of `type` that the principal may see matching `criteria`, the
    /// search of a conditional request (`identifier=urn:npi|42`); at most two, enough to tell
    /// none, one and too many apart.
    func matches(_ type: FHIRResourceType, criteria: String) async throws -> [String] {
        let parameters = URLQuery.decode(criteria)
        guard !parameters.isEmpty else { throw VigilError(.invalid, "a conditional request needs search parameters (identifier=…)") }
        var query = try FHIRSearchQuery.parse(type: type, parameters: parameters, limits: runtime.configuration.searchLimits)
        query.count = 2
        query.scope = access.searchScope(for: type)
        try await resolveJoins(&query)
        return try await runtime.store.searchIDs(query)
    }

    /// Creates a resource unless `ifNoneExist` (search criteria) matches one already: then that
    /// one is answered and nothing is written. More than one match is a 412.
    /// - Returns: the stored resource and whether it was created.
    func create(_ type: FHIRResourceType, body: JSON, ifNoneExist: String?) async throws -> (StoredResource, created: Bool) {
        guard let ifNoneExist else { return (try await create(type, body: body), true) }
        try access.require(.create, on: type)
        let found = try await matches(type, criteria: ifNoneExist)
        switch found.count {
        case 0: return (try await create(type, body: body), true)
        case 1: return (try await read(type, id: found[0]), false)
        default: throw VigilError(.preconditionFailed, "the If-None-Exist criteria match more than one \(type.rawValue)")
        }
    }

    /// Creates a resource with a server-assigned id.
    func create(_ type: FHIRResourceType, body: JSON) async throws -> StoredResource {
        try access.require(.create, on: type)
        let now = runtime.clock.now()
        let write = try await WritePlanner(runtime: runtime, access: access).plan(
            body, type: type, id: WritePlanner.newID(), version: 1, mode: .create, now: now)
        try await runtime.writer.submit(
            Change(.resources([write]), audit: [event(.create, "\(type.rawValue)/\(write.resource.id)", patient: write.resource.patient)]))
        return write.resource
    }

    /// Conditional update (`PUT Type?criteria`): the one visible match is updated (the body's `id`
    /// absent or equal to it); with none, the body is created (with its `id` when it has one); with
    /// more than one, 412.
    /// - Returns: the stored resource and whether it was created.
    func update(_ type: FHIRResourceType, criteria: String, body: JSON, ifMatch: Int?) async throws -> (StoredResource, created: Bool) {
        try access.require(.update, on: type)
        let found = try await matches(type, criteria: criteria)
        switch found.count {
        case 0:
            guard let id = body["id"]?.stringValue else { return (try await create(type, body: body), true) }
            return try await update(type, id: id, body: body, ifMatch: ifMatch)
        case 1:
            if let id = body["id"]?.stringValue, id != found[0] {
                throw VigilError(
                    .invalid, "the criteria match \(type.rawValue)/\(found[0]), not the body's id \(id)", expression: "\(type.rawValue).id")
            }
            var object = body.objectValue ?? JSONObject()
            object["id"] = .string(found[0])
            return try await update(type, id: found[0], body: .object(object), ifMatch: ifMatch)
        default:
            throw VigilError(.preconditionFailed, "the criteria match more than one \(type.rawValue)")
        }
    }

    /// Conditional delete (`DELETE Type?criteria`): the one visible match is deleted; none is
    /// nothing to do; more than one, 412.
    func delete(_ type: FHIRResourceType, criteria: String) async throws {
        try access.require(.delete, on: type)
        let found = try await matches(type, criteria: criteria)
        guard found.count <= 1 else { throw VigilError(.preconditionFailed, "the criteria match more than one \(type.rawValue)") }
        if let id = found.first { try await delete(type, id: id) }
    }

    /// Patches the current version: a JSON Patch (RFC 6902, an array) or a JSON Merge Patch (RFC
    /// 7396, an object), stored as an update of exactly that version (412 when another update
    /// came between, or when `ifMatch` is not the current version).
    func patch(_ type: FHIRResourceType, id: String, body: JSON, ifMatch: Int?) async throws -> StoredResource {
        try access.require(.update, on: type)
        guard let current = try await visible(type, id: id) else { throw VigilError(.notFound, "\(type.rawValue)/\(id) was not found") }
        if current.isDeleted { throw Self.gone(current) }
        if let ifMatch, ifMatch != current.version {
            throw VigilError(.preconditionFailed, "If-Match names version \(ifMatch); the current version is \(current.version)")
        }
        let patched = body.arrayValue != nil ? try JSONPatch.apply(body, to: current.json) : JSONPatch.merge(body, into: current.json)
        guard patched["resourceType"] == current.json["resourceType"], patched["id"] == current.json["id"] else {
            throw VigilError(.invalid, "a patch may not change resourceType or id")
        }
        return try await update(type, id: id, body: patched, ifMatch: current.version).0
    }

    /// Replaces a resource; an administrator may create one with a chosen id this way.
    /// - Parameter ifMatch: the version the client expects to replace (`If-Match`), 412 when it is not current.
    /// - Returns: the stored resource and whether it was created.
    func update(_ type: FHIRResourceType, id: String, body: JSON, ifMatch: Int?) async throws -> (StoredResource, created: Bool) {
        try access.require(.update, on: type)
        guard FHIRID.isValid(id) else { throw VigilError(.invalid, "\(id) is not a valid id") }
        guard body["id"]?.stringValue == id else {
            throw VigilError(.invalid, "the resource's id must be present and equal the id in the URL (\(id))", expression: "\(type.rawValue).id")
        }
        let now = runtime.clock.now()
        let planner = WritePlanner(runtime: runtime, access: access)
        let write: ResourceWrite
        let existing = try await visible(type, id: id)
        if let existing {
            if type == .observation, FHIRID.isReadingID(id) {
                throw VigilError(.methodNotAllowed, "device readings are append-only; record a correction as a new Observation")
            }
            if let ifMatch, ifMatch != existing.version {
                throw VigilError(.preconditionFailed, "If-Match names version \(ifMatch); the current version is \(existing.version)")
            }
            write = try await planner.plan(
                body, type: type, id: id, version: existing.version + 1, mode: .update(replacing: existing.version), now: now)
        } else {
            guard access.scope == nil, ifMatch == nil else { throw VigilError(.notFound, "\(type.rawValue)/\(id) was not found") }
            try FHIRID.requireClientAssignable(id, type: type)
            write = try await planner.plan(body, type: type, id: id, version: 1, mode: .create, now: now)
        }
        let action: AuditEvent.Action = existing == nil ? .create : .update
        try await runtime.writer.submit(
            Change(.resources([write]), audit: [event(action, "\(type.rawValue)/\(id)", patient: write.resource.patient ?? existing?.patient)]))
        return (write.resource, existing?.isDeleted ?? true)
    }

    /// Deletes a resource logically: a new version marked deleted, its history kept, reads then
    /// answering 410. Deleting what is already deleted changes nothing.
    /// - Throws: 404 for what does not exist or may not be seen; 405 for a device reading (never
    ///   erased); 409 while other resources or readings still refer to it.
    func delete(_ type: FHIRResourceType, id: String) async throws {
        try access.require(.delete, on: type)
        guard let existing = try await visible(type, id: id) else { throw VigilError(.notFound, "\(type.rawValue)/\(id) was not found") }
        if type == .observation, FHIRID.isReadingID(id) {
            throw VigilError(
                .methodNotAllowed,
                "device readings are never erased; record the correction as an Observation with status entered-in-error that names the reading in derivedFrom"
            )
        }
        if existing.isDeleted { return }
        let referrers = try await runtime.store.referrers(of: FHIRReference(type: type.rawValue, id: id), limit: 5)
        guard referrers.isEmpty else {
            throw VigilError(
                .conflict, "\(type.rawValue)/\(id) is still referred to by \(referrers.joined(separator: ", ")); delete or change those first")
        }
        var stored = existing
        stored.version += 1
        stored.lastUpdated = runtime.clock.now()
        stored.isDeleted = true
        let write = ResourceWrite(mode: .delete(replacing: existing.version), resource: stored, index: [], accessLinks: [])
        try await runtime.writer.submit(Change(.resources([write]), audit: [event(.delete, "\(type.rawValue)/\(id)", patient: existing.patient)]))
    }
}
