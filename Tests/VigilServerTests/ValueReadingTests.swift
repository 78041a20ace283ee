import Testing
import VigilCore
import VigilSQLite

@testable import VigilServer

@Suite struct ValueReadingTests {
    /// A code's values are read in parts side by side and handed over a page at a time in turn,
    /// part after part: each value once, in the same order every time.
    @Test(arguments: [1, 2, 3])
    func partsAreHandedOverInTurn(parts: Int) async throws {
        let store = try SQLiteStore.temporary()
        let sealer = HMACAuditSealer(key: SecureRandom.bytes(32))
        _ = try await store.apply(
            [
                Change(
                    .resources([
                        ResourcePreparation.write(["resourceType": "Patient"], type: .patient, id: "p1", version: 1, lastUpdated: 0, mode: .create),
                        ResourcePreparation.write(
                            ["resourceType": "Device", "patient": ["reference": "Patient/p1"]], type: .device, id: "d1", version: 1, lastUpdated: 0,
                            mode: .create),
                    ]))
            ], sealer: sealer)
        let readings = (1...25).map { seq in
            Reading(
                key: ProducerKey(device: "d1", boot: "0", seq: seq), patient: "p1", code: "8867-4", value: Double(seq), unit: "/min", time: seq,
                received: seq)
        }
        _ = try await store.apply([Change(.readings(IngestCommit(readings: readings)))], sealer: sealer)
        // What each part reads alone, page by page, then those pages taken in turn.
        var pagesOfParts: [[[Double]]] = []
        for part in try await store.valueParts(of: "8867-4", count: parts) {
            var (pages, cursor) = ([[Double]](), Optional(part))
            while let at = cursor {
                let page = try await store.values(of: "8867-4", after: at, limit: 4)
                (pages, cursor) = (pages + [page.values.map(\.value)], page.next)
            }
            pagesOfParts.append(pages)
        }
        var expected: [Double] = []
        for round in 0..<(pagesOfParts.map(\.count).max() ?? 0) {
            for pages in pagesOfParts where round < pages.count { expected += pages[round] }
        }
        #expect(expected.sorted() == (1...25).map(Double.init))
        for _ in 0..<5 {
            var handed: [Double] = []
            try await ValueReading(store: store, code: "8867-4", parts: parts, pageSize: 4).forEachPage { handed += $0.map(\.value) }
            #expect(handed == expected)
        }
    }
}
