import Foundation

/// Every value of a code, read from the store in parts side by side
/// (``VigilStore/valueParts(of:count:)``), each a page ahead of the one being added, and handed
/// over in turn, part after part: every core reads, and the values come in the same order each
/// time, so that sums come out the same to the last digit.
public struct ValueReading: Sendable {
    public let store: any VigilStore
    public let code: String
    /// Parts read side by side, and values read from the store at once.
    public let parts: Int
    public let pageSize: Int

    public init(
        store: any VigilStore, code: String, parts: Int = ValueReading.cores, pageSize: Int = 50_000
    ) {
        (self.store, self.code, self.parts, self.pageSize) = (store, code, parts, pageSize)
    }

    /// One part a core, up to 4.
    public static let cores = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// Hands every page of values to `body`, in turn.
    public func forEachPage(_ body: ([ValuePage.Entry]) -> Void) async throws {
        let (store, code, pageSize) = (store, code, pageSize)
        let cursors = try await store.valueParts(of: code, count: parts)
        try await withThrowingTaskGroup(of: (part: Int, page: ValuePage).self) { readers in
            for (part, cursor) in cursors.enumerated() {
                readers.addTask { (part, try await store.values(of: code, after: cursor, limit: pageSize)) }
            }
            var (waiting, unfinished, turn) = ([Int: ValuePage](), Array(cursors.indices), 0)
            while !unfinished.isEmpty {
                turn %= unfinished.count
                let part = unfinished[turn]
                while waiting[part] == nil {
                    guard let (from, page) = try await readers.next() else { throw VigilError(.internal, "a part of the values was not read") }
                    waiting[from] = page
                }
                let page = waiting.removeValue(forKey: part)!
                if let next = page.next {
                    readers.addTask { (part, try await store.values(of: code, after: next, limit: pageSize)) }
                    turn += 1
                } else {
                    unfinished.remove(at: turn)
                }
                body(page.values)
            }
        }
    }
}
