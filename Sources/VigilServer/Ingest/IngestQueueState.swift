import DequeModule

/// The ingest queue as a value: bounded by weight (readings plus audit events), drained in
/// batches by one writer, closed on shutdown. Every event returns what the caller must do; the
/// ``IngestWriter`` carries it out.
struct IngestQueueState<Item> {
    enum EnqueueAction {
        /// Queued; resume the writer when it is waiting.
        case queued(resumeWriter: Bool)
        /// The queue is full: answer 503 and let the client retry.
        case full
        /// The server is shutting down.
        case closed
    }

    enum TakeAction {
        /// Write these items in one commit.
        case write([Item])
        /// Nothing queued: wait until ``enqueue(_:weight:)`` says to resume.
        case wait
        /// Closed and drained: the writer stops.
        case stop
    }

    private var items: Deque<(item: Item, weight: Int)> = []
    private(set) var weight = 0
    let capacity: Int
    private(set) var isClosed = false
    private var writerWaiting = false

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { items.count }

    mutating func enqueue(_ item: Item, weight: Int) -> EnqueueAction {
        guard !isClosed else { return .closed }
        guard self.weight + weight <= capacity || items.isEmpty else { return .full }
        items.append((item, weight))
        self.weight += weight
        let resume = writerWaiting
        writerWaiting = false
        return .queued(resumeWriter: resume)
    }

    /// Takes the next batch: whole items up to `maxWeight` (always at least one item).
    mutating func take(maxWeight: Int) -> TakeAction {
        guard !items.isEmpty else {
            if isClosed { return .stop }
            writerWaiting = true
            return .wait
        }
        var batch: [Item] = []
        var taken = 0
        while let first = items.first, batch.isEmpty || taken + first.weight <= maxWeight {
            items.removeFirst()
            batch.append(first.item)
            taken += first.weight
        }
        weight -= taken
        return .write(batch)
    }

    /// Stops accepting items; returns whether the writer is waiting and must be resumed to stop.
    mutating func close() -> Bool {
        isClosed = true
        let resume = writerWaiting
        writerWaiting = false
        return resume
    }
}
