import DequeModule

/// The write queue as a value: two lanes bounded by weight (rows), drained in batches by one
/// writer, closed on shutdown. Device readings wait in their own lane, which the writer may hold
/// while the analysis is too far behind; everything else (people's writes, alerts, audit events)
/// goes ahead of them. Every event returns what the caller must do; the ``ChangeWriter`` carries
/// it out.
struct ChangeQueueState<Item> {
    enum Lane: Sendable {
        case readings
        case other
    }

    enum EnqueueAction {
        /// Queued; resume the writer when it is waiting.
        case queued(resumeWriter: Bool)
        /// The lane is full: answer 503 and let the client retry.
        case full
        /// The server is shutting down.
        case closed
    }

    enum TakeAction {
        /// Write these items in one commit.
        case write([Item])
        /// Nothing queued: wait until ``enqueue(_:weight:lane:)`` says to resume.
        case wait
        /// Only held readings are queued: look again shortly.
        case held
        /// Closed and drained: the writer stops.
        case stop
    }

    private struct Queue {
        var items: Deque<(item: Item, weight: Int)> = []
        var weight = 0
    }

    private var readings = Queue()
    private var other = Queue()
    /// The bound of each lane.
    let capacity: Int
    private(set) var isClosed = false
    private var writerWaiting = false

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { readings.items.count + other.items.count }
    /// Rows queued in both lanes.
    var weight: Int { readings.weight + other.weight }

    mutating func enqueue(_ item: Item, weight: Int, lane: Lane = .other) -> EnqueueAction {
        guard !isClosed else { return .closed }
        switch lane {
        case .readings: guard Self.add(item, weight, to: &readings, capacity: capacity) else { return .full }
        case .other: guard Self.add(item, weight, to: &other, capacity: capacity) else { return .full }
        }
        let resume = writerWaiting
        writerWaiting = false
        return .queued(resumeWriter: resume)
    }

    private static func add(_ item: Item, _ weight: Int, to queue: inout Queue, capacity: Int) -> Bool {
        guard queue.weight + weight <= capacity || queue.items.isEmpty else { return false }
        queue.items.append((item, weight))
        queue.weight += weight
        return true
    }

    /// Takes the next batch: whole items up to `maxWeight` (always at least one), the other lane
    /// first; readings only when `readingsAllowed`.
    mutating func take(maxWeight: Int, readingsAllowed: Bool = true) -> TakeAction {
        var batch: [Item] = []
        var taken = 0
        Self.take(from: &other, into: &batch, taken: &taken, maxWeight: maxWeight)
        if readingsAllowed { Self.take(from: &readings, into: &batch, taken: &taken, maxWeight: maxWeight) }
        if !batch.isEmpty { return .write(batch) }
        if !readings.items.isEmpty { return .held }
        if isClosed { return .stop }
        writerWaiting = true
        return .wait
    }

    private static func take(from queue: inout Queue, into batch: inout [Item], taken: inout Int, maxWeight: Int) {
        while let first = queue.items.first, batch.isEmpty || taken + first.weight <= maxWeight {
            queue.items.removeFirst()
            queue.weight -= first.weight
            batch.append(first.item)
            taken += first.weight
        }
    }

    /// Stops accepting items; returns whether the writer is waiting and must be resumed to stop.
    mutating func close() -> Bool {
        isClosed = true
        let resume = writerWaiting
        writerWaiting = false
        return resume
    }
}
