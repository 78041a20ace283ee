import VigilCore

/// `POST /fhir` with a `transaction` Bundle: creates (POST, conditional with `ifNoneExist`) and
/// updates (PUT), all or nothing.
///
/// Entries may reference each other by `fullUrl` (`urn:uuid:…`); those references are rewritten
/// to the ids the server assigns, or for a conditional create that matched, to the resource that
/// exists. Every entry is checked (schema, rules, permissions) before
/// anything is written; then all are written in one store transaction with their audit events.
struct FHIRTransaction: Sendable {
    let runtime: VigilRuntime
    let access: AccessControl
    let client: String?
    let baseURL: String

    static let maxEntries = 1000

    private struct Entry {
        var index: Int
        var type: FHIRResourceType
        var id: String
        var resource: JSON
        var isUpdate: Bool
        var ifMatch: Int?
        var ifNoneExist: String?
        var fullUrl: String?
        /// For a conditional create: the resource its criteria matched, which it stands for.
        var matched: StoredResource?
    }

    func run(_ bundle: JSON) async throws -> JSON {
        guard bundle["resourceType"]?.stringValue == "Bundle" else {
            throw VigilError(.invalid, "POST /fhir takes a Bundle", expression: "Bundle")
        }
        let kind = bundle["type"]?.stringValue
        guard kind == "transaction" || kind == "batch" else {
            throw VigilError(.invalid, "POST /fhir takes a transaction or a batch Bundle (Bundle.type)", expression: "Bundle.type")
        }
        let items = bundle["entry"]?.arrayValue ?? []
        guard items.count <= Self.maxEntries else {
            throw VigilError(.tooLarge, "\(items.count) entries; a \(kind ?? "") holds at most \(Self.maxEntries)", expression: "Bundle.entry")
        }
        let service = FHIRService(runtime: runtime, access: access, client: client)
        if kind == "batch" { return try await FHIRBatch(service: service, baseURL: baseURL).run(items) }
        var entries: [Entry] = []
        var matched: [Entry] = []
        var fullUrls: [String: String] = [:]
        var failures: [VigilError] = []
        for (index, item) in items.enumerated() {
            do {
                var entry = try parse(item, index: index)
                if let criteria = entry.ifNoneExist {
                    entry.matched = try await Self.match(entry, criteria: criteria, service: service)
                }
                if let fullUrl = entry.fullUrl { fullUrls[fullUrl] = "\(entry.type.rawValue)/\(entry.matched?.id ?? entry.id)" }
                if entry.matched == nil { entries.append(entry) } else { matched.append(entry) }
            } catch var error as VigilError {
                if !(error.issues.first?.expression?.hasPrefix("Bundle") ?? false) {
                    error.issues = error.issues.map { issue in
                        var issue = issue
                        issue.expression = "Bundle.entry[\(index)].request"
                        return issue
                    }
                }
                failures.append(error)
            }
        }
        for entry in entries {
            do {
                try await resolveConditionalReferences(in: entry, service: service, into: &fullUrls)
            } catch let error as VigilError {
                failures.append(error)
            }
        }
        let targets = entries.map { "\($0.type.rawValue)/\($0.id)" }
        if let duplicate = Dictionary(grouping: targets, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw VigilError(.invalid, "\(duplicate) appears in more than one entry", expression: "Bundle.entry")
        }
        try Self.checkIdentifiersDiffer(entries)
        let created = try await plannedCreations(entries)
        let planner = WritePlanner(runtime: runtime, access: access, pending: created)
        let now = runtime.clock.now()
        var writes: [ResourceWrite] = []
        var audit: [AuditEvent] = []
        for entry in entries {
            let resource = entry.resource.rewritingReferences(fullUrls)
            do {
                let write = try await plan(entry, resource: resource, planner: planner, created: created, now: now)
                writes.append(write)
                let action: AuditEvent.Action = write.mode == .create ? .create : .update
                audit.append(
                    runtime.auditEvent(
                        access.principal, client: client, patient: write.resource.patient, action: action,
                        resource: "\(entry.type.rawValue)/\(entry.id)", detail: "transaction"))
            } catch let error as VigilError {
                failures.append(Self.placed(error, entry: entry))
            }
        }
        // Every problem of every entry in one answer; a malformed entry makes it a 400.
        if let first = failures.first {
            let code = failures.contains { $0.code == .invalid } ? .invalid : first.code
            throw VigilError(code, issues: failures.flatMap(\.issues))
        }
        try await runtime.writer.submit(Change(.resources(writes), audit: audit))
        // Answers in the order of the entries.
        let written = zip(entries.map(\.index), writes.map { responseEntry($0.resource, created: $0.mode == .create) })
        let found = matched.compactMap { entry in entry.matched.map { (entry.index, responseEntry($0, created: false)) } }
        return .object([
            "resourceType": "Bundle",
            "type": "transaction-response",
            "entry": .array((Array(written) + found).sorted { $0.0 < $1.0 }.map(\.1)),
        ])
    }

    /// Adds to `references` the `Type/id` each conditional reference of `entry` stands for
    /// (`Patient?identifier=urn:mrn|42`): the one resource its criteria match among those the
    /// writer may see. None is a 422, several a 412, each placed at its Reference.
    private func resolveConditionalReferences(in entry: Entry, service: FHIRService, into references: inout [String: String]) async throws {
        var problems: [VigilError.Issue] = []
        var code = VigilError.Code.unprocessable
        for (path, reference) in FHIRReference.literals(in: entry.resource, path: entry.type.rawValue) where references[reference] == nil {
            guard let question = reference.firstIndex(of: "?"), let type = FHIRResourceType(rawValue: String(reference[..<question])) else {
                continue
            }
            let found = try await service.matches(type, criteria: String(reference[reference.index(after: question)...]))
            let at = "Bundle.entry[\(entry.index)].resource" + path.dropFirst(entry.type.rawValue.count)
            switch found.count {
            case 1: references[reference] = "\(type.rawValue)/\(found[0])"
            // The criteria (an MRN, say) are not repeated: diagnostics carry no patient data.
            case 0:
                problems.append(
                    .init(
                        type: "not-found", diagnostics: "entry \(entry.index): the conditional reference matches no \(type.rawValue)", expression: at)
                )
            default:
                code = .preconditionFailed
                problems.append(
                    .init(
                        type: "multiple-matches",
                        diagnostics: "entry \(entry.index): the conditional reference matches several \(type.rawValue) resources", expression: at))
            }
        }
        if !problems.isEmpty { throw VigilError(code, issues: problems) }
    }

    /// `error`'s issues, placed in the bundle: `Encounter.subject` becomes
    /// `Bundle.entry[3].resource.subject`.
    private static func placed(_ error: VigilError, entry: Entry) -> VigilError {
        var error = error
        let root = "Bundle.entry[\(entry.index)].resource"
        for i in error.issues.indices {
            error.issues[i].diagnostics = "entry \(entry.index): " + error.issues[i].diagnostics
            let expression = error.issues[i].expression
            if let expression, expression == entry.type.rawValue || expression.hasPrefix(entry.type.rawValue + ".") {
                error.issues[i].expression = root + expression.dropFirst(entry.type.rawValue.count)
            } else {
                error.issues[i].expression = root + (expression.map { " (\($0))" } ?? "")
            }
        }
        return error
    }

    /// Two entries may not give the same identifier to two patients or devices (the planner
    /// compares each with what is stored, not with its neighbours).
    private static func checkIdentifiersDiffer(_ entries: [Entry]) throws {
        var holders: [String: Int] = [:]
        for entry in entries where entry.type.hasMatchedIdentifiers {
            for identifier in Set(entry.type.matchedIdentifiers(of: entry.resource)) {
                let key = "\(entry.type.rawValue) \(identifier)"
                if let first = holders.updateValue(entry.index, forKey: key) {
                    throw VigilError(
                        .conflict, "entries \(first) and \(entry.index) give the identifier \(identifier) to two \(entry.type.rawValue) resources",
                        expression: "Bundle.entry[\(entry.index)].resource.identifier")
                }
            }
        }
    }

    private func parse(_ item: JSON, index: Int) throws -> Entry {
        let at = "Bundle.entry[\(index)]"
        guard let method = item["request"]?["method"]?.stringValue, let url = item["request"]?["url"]?.stringValue else {
            throw VigilError(.invalid, "entry \(index) needs request.method and request.url", expression: "\(at).request")
        }
        if url.contains("?") {
            throw VigilError(.invalid, "entry \(index): conditional updates and deletes are not supported", expression: "\(at).request.url")
        }
        let ifNoneExist = item["request"]?["ifNoneExist"]?.stringValue
        guard let resource = item["resource"], case .object = resource else {
            throw VigilError(.invalid, "entry \(index) needs a resource", expression: "\(at).resource")
        }
        let parts = url.split(separator: "/").map(String.init)
        guard let type = parts.first.flatMap(FHIRResourceType.init(rawValue:)) else {
            throw VigilError(.invalid, "entry \(index): \(url) does not name a supported resource type", expression: "\(at).request.url")
        }
        guard resource["resourceType"]?.stringValue == type.rawValue else {
            throw VigilError(.invalid, "entry \(index): the resource is not a \(type.rawValue)", expression: "\(at).resource.resourceType")
        }
        switch (method, parts.count) {
        case ("POST", 1):
            return Entry(
                index: index, type: type, id: WritePlanner.newID(), resource: resource, isUpdate: false, ifNoneExist: ifNoneExist,
                fullUrl: item["fullUrl"]?.stringValue)
        case ("PUT", 2):
            guard FHIRID.isValid(parts[1]), resource["id"]?.stringValue == parts[1] else {
                throw VigilError(.invalid, "entry \(index): the resource id must equal the id in \(url)", expression: "\(at).resource.id")
            }
            let ifMatch = item["request"]?["ifMatch"]?.stringValue.flatMap(ETag.version)
            return Entry(
                index: index, type: type, id: parts[1], resource: resource, isUpdate: true, ifMatch: ifMatch, fullUrl: item["fullUrl"]?.stringValue)
        default:
            throw VigilError(.invalid, "entry \(index): a transaction takes POST Type and PUT Type/id entries", expression: "\(at).request")
        }
    }

    /// The `Type/id` of every entry that creates a resource: POSTs, and PUTs of ids not yet stored.
    private func plannedCreations(_ entries: [Entry]) async throws -> Set<String> {
        var created: Set<String> = []
        for entry in entries {
            let exists = entry.isUpdate ? try await runtime.store.resource(entry.type, id: entry.id) != nil : false
            if !exists { created.insert("\(entry.type.rawValue)/\(entry.id)") }
        }
        return created
    }

    private func plan(_ entry: Entry, resource: JSON, planner: WritePlanner, created: Set<String>, now: Int64) async throws -> ResourceWrite {
        let target = "\(entry.type.rawValue)/\(entry.id)"
        if !created.contains(target) {
            try access.require(.update, on: entry.type)
            guard let existing = try await runtime.store.resource(entry.type, id: entry.id), access.canSee(existing) else {
                throw VigilError(.notFound, "\(target) was not found")
            }
            if entry.type == .observation, FHIRID.isReadingID(entry.id) {
                throw VigilError(.methodNotAllowed, "device readings are append-only")
            }
            if let ifMatch = entry.ifMatch, ifMatch != existing.version {
                throw VigilError(.preconditionFailed, "ifMatch names version \(ifMatch); the current version is \(existing.version)")
            }
            return try await planner.plan(
                resource, type: entry.type, id: entry.id, version: existing.version + 1,
                mode: .update(replacing: existing.version), now: now)
        }
        try access.require(entry.isUpdate ? .update : .create, on: entry.type)
        if entry.isUpdate {
            guard access.scope == nil else { throw VigilError(.notFound, "\(target) was not found") }
            try FHIRID.requireClientAssignable(entry.id, type: entry.type)
        }
        return try await planner.plan(resource, type: entry.type, id: entry.id, version: 1, mode: .create, now: now)
    }

    /// The resource a conditional create's criteria match (read and audited as a read), or nil
    /// when none does. 412 when more than one does.
    private static func match(_ entry: Entry, criteria: String, service: FHIRService) async throws -> StoredResource? {
        let found = try await service.matches(entry.type, criteria: criteria)
        guard found.count <= 1 else {
            throw VigilError(
                .preconditionFailed, "entry \(entry.index): ifNoneExist \(criteria) matches more than one \(entry.type.rawValue)",
                expression: "Bundle.entry[\(entry.index)].request.ifNoneExist")
        }
        guard let id = found.first else { return nil }
        return try await service.read(entry.type, id: id)
    }

    private func responseEntry(_ r: StoredResource, created: Bool) -> JSON {
        return .object([
            "fullUrl": .string("\(baseURL)/\(r.type.rawValue)/\(r.id)"),
            "resource": r.json,
            "response": [
                "status": .string(created ? "201 Created" : "200 OK"),
                "location": .string("\(r.type.rawValue)/\(r.id)/_history/\(r.version)"),
                "etag": .string(r.etag),
                "lastModified": .string(FHIRDateTime.instant(milliseconds: r.lastUpdated)),
            ],
        ])
    }
}

/// Reading version numbers out of ETags (`W/"3"`).
enum ETag {
    static func version(_ text: String) -> Int? {
        var value = Substring(text)
        if value.hasPrefix("W/") { value = value.dropFirst(2) }
        return Int(value.trimmingCharacters(in: "\""))
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var s = self
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return s
    }
}
