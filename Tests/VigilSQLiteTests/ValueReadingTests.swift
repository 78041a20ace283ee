import Testing
import VigilCore
import VigilSQLite

@Suite struct ValueReadingTests {
    /// A code's values are read in parts side by side and handed over a page at a time in turn,
    /// part after part: each value once, in the same order every time.
    @Test(arguments: [1, 2, 3])
    func partsAreHandedOverInTurn(parts: Int) async throws {
        let store = try await SQLiteStoreTests.store(heartRates: (1...25).map(Double.init))
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
