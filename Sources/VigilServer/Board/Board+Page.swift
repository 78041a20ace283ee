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
        try await runtime.auditReads(principal, client: client, patients: page.map(\.patient), resource: "board", empty: "0 patients")
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
