import VigilCore

/// A research population as questions read it: each patient numbered, with the number of their
/// quasi-identifier class, found by the store's key (``PopulationTable/Person/key``, as
/// ``ValuePage/Entry/patientKey`` names a value's patient) or by `Patient/ID`. A million patients
/// fall into a few thousand classes, so a value is placed by numbers, not strings.
public struct NumberedPopulation: Sendable {
    /// The classes, by number.
    public private(set) var classes: [QuasiIdentifiers] = []
    private var classNumbers: [QuasiIdentifiers: Int32] = [:]
    /// Each patient's class, by patient number.
    public private(set) var classOf: [Int32] = []
    /// Patient numbers by the store's key, and by `Patient/ID`.
    public private(set) var byKey: [Int64: Int32] = [:]
    public private(set) var byID: [String: Int32] = [:]
    /// Patients left out because they refused research.
    public var refused = 0
    /// ``byKey`` as an array from ``keyBase`` on, when the keys are dense enough (``indexKeys()``).
    private var numberOfKey: [Int32] = []
    private var keyBase: Int64 = 0

    public init(capacity: Int = 0) {
        classOf.reserveCapacity(capacity)
        byKey.reserveCapacity(capacity)
        byID.reserveCapacity(capacity)
    }

    /// The number of patients.
    public var count: Int { classOf.count }

    /// The number of the patient the store knows as `key`.
    public func number(ofKey key: Int64) -> Int32? {
        guard !numberOfKey.isEmpty else { return byKey[key] }
        let index = key &- keyBase
        guard index >= 0, index < numberOfKey.count, numberOfKey[Int(index)] >= 0 else { return nil }
        return numberOfKey[Int(index)]
    }

    /// Makes ``number(ofKey:)`` an array look-up when the keys span at most 16 times as many
    /// numbers as there are patients: a question looks up millions of values' patients. Call
    /// once every patient is added.
    public mutating func indexKeys() {
        guard let low = byKey.keys.min(), let high = byKey.keys.max(), high - low < Int64(16 * byKey.count) else { return }
        var numbers = [Int32](repeating: -1, count: Int(high - low) + 1)
        for (key, number) in byKey { numbers[Int(key - low)] = number }
        (numberOfKey, keyBase) = (numbers, low)
    }

    /// Adds `patient` (`Patient/ID`), known to the store as `key`; their number.
    @discardableResult
    public mutating func add(_ patient: String, key: Int64?, _ identifiers: QuasiIdentifiers) -> Int32 {
        if let number = byID[patient] { return number }
        numberOfKey = []  // looked up in byKey until indexed again
        let number = Int32(classOf.count)
        let group =
            classNumbers[identifiers]
            ?? {
                classes.append(identifiers)
                classNumbers[identifiers] = Int32(classes.count - 1)
                return Int32(classes.count - 1)
            }()
        classOf.append(group)
        byID[patient] = number
        if let key { byKey[key] = number }
        return number
    }
}
