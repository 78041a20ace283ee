import Testing
import VigilCore

@Suite struct ValuePageTests {
    /// Cut into parts, a code's readings are each read by exactly one part, the parts in order and
    /// about as long as one another; only the first reads the stored Observations.
    @Test(arguments: [1, 2, 3, 4, 7])
    func partsReadEveryReadingOnce(count: Int) {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var ranges: [(codeKey: Int64, low: Int64, high: Int64)] = []
            var next = Int64.random(in: 1...50, using: &generator)
            for key in Int64(1)...Int64.random(in: 1...3, using: &generator) {
                let low = next + Int64.random(in: 0...20, using: &generator)
                ranges.append((key * 10, low, low + Int64.random(in: 0...40, using: &generator)))
                next = low
            }
            let positions = ranges.flatMap { range in
                (range.low...range.high).map { ValuePage.Cursor.ReadingPosition(codeKey: range.codeKey, id: $0) }
            }
            let parts = ValuePage.Cursor.parts(of: ranges, count: count)
            #expect(parts.count == (positions.count >= count ? count : 1))
            #expect(parts.enumerated().allSatisfy { ($0.offset == 0) == ($0.element.reading == nil) })
            let read = parts.map { part in
                positions.filter { position in part.reading.map { $0 < position } ?? true && part.end.map { position <= $0 } ?? true }
            }
            #expect(read.flatMap { $0 } == positions)
            #expect(read.allSatisfy { abs($0.count - positions.count / parts.count) <= 1 })
        }
        #expect(ValuePage.Cursor.parts(of: [], count: count) == [.start])
    }
}
