import Crypto
import Foundation
import Logging
public import ServiceLifecycle
import Synchronization
import VigilClinical
import VigilCore

/// Runs FHIR Bulk Data exports, one at a time, in the order asked: each type read from the store
/// page by page (``VigilStore/exportPage(_:after:since:limit:)``) into an NDJSON file of its own
/// under the data directory's `exports/`, never holding more than a page. Files are kept for
/// ``retention`` after the export ends, then removed with the job within a minute; a cancelled
/// job goes at once.
///
/// A researcher's export (one with a ``ResearchProject``) covers the project's population only,
/// less those who refused research and those in small quasi-identifier classes
/// (``ResearchExport``); every resource leaves de-identified, each file is hashed, and the
/// manifest carries the signed statement of what left, whose digest the audit chain records.
///
/// Jobs live in memory: after a restart, their status is 404 and their files are removed.
public final class BulkExporter: Service {
    let store: any VigilStore
    /// Where a research project's population is read.
    let population: PopulationIndex
    let clock: any VigilClock
    let directory: String
    /// How long an export's files are kept after it ends, in milliseconds.
    let retention: Int64
    let writer: ChangeWriter
    let research: ResearchKeys
    let logger: Logger
    /// Resources read from the store at once.
    static let pageSize = 1000
    /// Exports waiting or running at most; more are refused (429) until one ends.
    static let capacity = 8

    private let jobs = Mutex<[String: BulkExportJob]>([:])
    private let queue: AsyncStream<String>
    private let enqueue: AsyncStream<String>.Continuation

    init(
        store: any VigilStore, population: PopulationIndex, clock: any VigilClock, directory: String, retentionHours: Int, writer: ChangeWriter,
        research: ResearchKeys,
        logger: Logger
    ) {
        self.store = store
        self.population = population
        self.writer = writer
        self.research = research
        self.clock = clock
        self.directory = directory
        self.retention = Int64(retentionHours) * 3_600_000
        self.logger = logger
        (queue, enqueue) = AsyncStream.makeStream(of: String.self)
    }

    /// Queues an export (of `project`, de-identified, for a researcher); its id.
    /// - Throws: ``VigilError`` (429) when ``capacity`` exports are waiting or running.
    func start(_ request: BulkExportRequest, project: ResearchProject?, owner: String, requestURL: String, kickOff: AuditEvent) throws -> String {
        let id = SecureRandom.token(16)
        let job = BulkExportJob(
            id: id, owner: owner, request: request, project: project, kickOff: kickOff, requestURL: requestURL, transactionTime: clock.now())
        try jobs.withLock { jobs in
            let active = jobs.values.filter { $0.status == .queued || $0.status == .running }.count
            guard active < Self.capacity else {
                throw VigilError(.tooManyRequests, "\(active) exports are already waiting or running; try again later", retryAfter: 60)
            }
            jobs[id] = job
        }
        enqueue.yield(id)
        return id
    }

    /// The job `id` as its owner sees it; nil for an unknown, expired or someone else's job.
    func job(_ id: String, owner: String) -> BulkExportJob? {
        sweep()
        return jobs.withLock { $0[id] }.flatMap { $0.owner == owner ? $0 : nil }
    }

    /// Cancels and removes the job and its files; false when there is no such job of the owner's.
    func cancel(_ id: String, owner: String) -> Bool {
        let removed = jobs.withLock { jobs -> Bool in
            guard jobs[id]?.owner == owner else { return false }
            jobs[id] = nil
            return true
        }
        if removed { try? FileManager.default.removeItem(atPath: folder(id)) }
        return removed
    }

    /// The path of one of the job's files, when the job is its owner's, completed and holds it.
    func file(_ id: String, _ name: String, owner: String) -> String? {
        guard let job = job(id, owner: owner), job.status == .completed, job.outputs.contains(where: { $0.file == name }) else { return nil }
        return folder(id) + "/" + name
    }

    public func run() async throws {
        // Files of jobs from before a restart belong to no job.
        try? FileManager.default.removeItem(atPath: directory)
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                // Expired files go within a minute, polled or not.
                group.addTask {
                    while (try? await Task.sleep(for: .seconds(60))) != nil { self.sweep() }
                }
                for await id in queue { await export(id) }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.enqueue.finish()
        }
    }

    private func folder(_ id: String) -> String { directory + "/" + id }

    /// Removes the jobs whose files have expired.
    func sweep() {
        let now = clock.now()
        let expired = jobs.withLock { jobs in
            let expired = jobs.values.filter { $0.expires.map { $0 <= now } ?? false }.map(\.id)
            for id in expired { jobs[id] = nil }
            return expired
        }
        for id in expired { try? FileManager.default.removeItem(atPath: folder(id)) }
    }

    private func export(_ id: String) async {
        guard let job = update(id, { $0.status = .running }) else { return }  // cancelled while queued
        do {
            try FileManager.default.createDirectory(atPath: folder(id), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let members: Set<String> =
                if let project = job.project {
                    try await population.members(of: project.population, at: job.transactionTime)
                } else if case .group(let id) = job.request.level {
                    try await store.members(ofGroup: id)
                } else {
                    []
                }
            var research: ResearchExport?
            if let project = job.project {
                research = try await ResearchExport.prepare(project, members: members, keys: self.research, store: store, at: job.transactionTime)
            }
            for type in job.request.types {
                guard let output = try await write(type, job: job, members: members, research: &research) else { return }  // cancelled
                if output.count > 0 { _ = update(id) { $0.outputs.append(output) } }
            }
            if let research, let done = update(id, { _ in }) {
                let signed = try research.manifestExtension(job: done, keys: self.research)
                var event = job.kickOff
                event.time = clock.now()
                event.detail = "project \(research.project.id): signed, statement sha256:\(ResearchExport.digest(signed["statement"]!.stringValue!))"
                try await writer.submit(.audit([event]))
                _ = update(id) { $0.manifestExtension = signed }
            }
            _ = update(id) { job in
                job.status = .completed
                job.expires = clock.now() + retention
            }
        } catch {
            logger.error("an export failed", metadata: ["error": "\(error)"])
            _ = update(id) { job in
                job.status = .failed("the export failed: \(error)")
                job.expires = clock.now() + retention
            }
        }
    }

    /// Writes one type's file; its output, or nil when the job was cancelled meanwhile. A research
    /// export's lines are de-identified and hashed.
    private func write(
        _ type: FHIRResourceType, job: BulkExportJob, members: Set<String>, research: inout ResearchExport?
    ) async throws -> BulkExportJob.Output? {
        let name = "\(type.rawValue).ndjson"
        let path = folder(job.id) + "/" + name
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw VigilError(.internal, "cannot write \(path)") }
        defer { try? handle.close() }
        let matching = try await typeFilterMatches(type, job.request)
        var cursor: ExportCursor? = .start
        var count = 0
        var hash = SHA256()
        while let at = cursor {
            let page = try await store.exportPage(type, after: at, since: job.request.since, limit: Self.pageSize)
            var lines: [UInt8] = []
            for resource in page.resources {
                if let matching, !matching.contains(resource.id) { continue }
                if research != nil {
                    guard let line = try research!.line(resource) else { continue }
                    lines += line
                } else {
                    guard job.request.includes(resource.compartment, members: members) else { continue }
                    lines += resource.json
                }
                lines.append(UInt8(ascii: "\n"))
                count += 1
            }
            if research != nil { hash.update(data: lines) }
            try handle.write(contentsOf: lines)
            guard update(job.id, { $0.read += page.resources.count }) != nil else { return nil }
            cursor = page.next
        }
        if count == 0 { try? FileManager.default.removeItem(atPath: path) }
        return BulkExportJob.Output(type: type, file: name, count: count, sha256: research.map { _ in Hex.encode(hash.finalize()) })
    }

    /// The ids of `type`'s resources that match one of the request's `_typeFilter` searches of it;
    /// nil when it has none (every resource).
    private func typeFilterMatches(_ type: FHIRResourceType, _ request: BulkExportRequest) async throws -> Set<String>? {
        guard let queries = request.typeFilters[type] else { return nil }
        var ids: Set<String> = []
        for query in queries {
            let found = try await store.searchIDs(query)
            guard found.count <= BulkExportRequest.typeFilterLimit else {
                throw VigilError(.tooLarge, "a _typeFilter of \(type.rawValue) matches more than \(BulkExportRequest.typeFilterLimit) resources")
            }
            ids.formUnion(found)
        }
        return ids
    }

    /// Changes a job; the job after, or nil when it is gone (cancelled).
    private func update(_ id: String, _ change: (inout BulkExportJob) -> Void) -> BulkExportJob? {
        jobs.withLock { jobs in
            guard var job = jobs[id] else { return nil }
            change(&job)
            jobs[id] = job
            return job
        }
    }
}
