import VigilCore

extension Board {
    /// The most patients a board ranks.
    static let maxPatients = 5000

    /// One page of the ranked board as `GET /api/board` answers it, audited as a read of each
    /// patient shown (or of the empty board).
    func page(for principal: Principal, scope: FHIRSearchQuery.Scope, client: String?, offset: Int, count: Int) async throws -> JSON {
        let ranked = try await lines(scope: scope, limit: Self.maxPatients)
        let page = ranked.dropFirst(offset).prefix(count)
        let records = try await patients(of: page)
        let now = runtime.clock.now()
        try await runtime.audit(
            page.isEmpty
                ? [runtime.auditEvent(principal, client: client, action: .read, resource: "board", detail: "0 patients")]
                : page.map { runtime.auditEvent(principal, client: client, patient: $0.patient, action: .read, resource: "board") })
        return [
            "generated": .string(FHIRDateTime.instant(milliseconds: now)),
            "rules": .string(runtime.analysis == nil ? "off" : "on"),
            "total": .integer(ranked.count), "offset": .integer(offset),
            "patients": .array(
                page.enumerated().map {
                    $1.json(rank: offset + $0 + 1, record: records[$1.patient], now: now, policy: runtime.policy, catalog: runtime.catalog)
                }),
        ]
    }
}
