/// Every living patient's population facts (``PopulationFact``), compact enough to hold a
/// million in memory and read all of them in a fraction of a second: what public health's counts
/// over a whole population evaluate (``VigilStore/populationTable()``).
///
/// Strings a population repeats (birth dates, postal codes, codes) are kept once and referred to
/// by number. Each person is a slot; a patient whose facts changed is forgotten and added again
/// (``apply(_:)``).
public struct PopulationTable: Sendable {
    public struct Person: Sendable {
        /// Index in ``births``; nil when the record has no birth date.
        public var birth: Int32?
        /// Index in ``areas``; nil when the record has no postal code.
        public var area: Int32?
        /// Index in ``genders``; nil when the record has no gender.
        public var gender: Int32?
        /// The periods in which a Consent of theirs refuses research (nil ends: open).
        public var refusals: [(from: Int64?, to: Int64?)] = []
        /// Indexes in ``codes`` of active conditions.
        public var conditions: [Int32] = []
        public var doses: [Dose] = []
        /// The latest body mass index.
        public var bmi: Double?
        var bmiTime = Int64.min
        /// The store's number for the patient (``ValuePage/Entry/patientKey``), when it gave one.
        public var key: Int64?
    }

    /// A completed dose: its vaccine (index in ``codes``) and when (milliseconds since 1970).
    public struct Dose: Sendable {
        public var code: Int32
        public var time: Int64
    }

    /// Values kept once each, numbered in the order first seen.
    public struct Interned<Value: Hashable & Sendable>: Sendable {
        public private(set) var values: [Value] = []
        private var numbers: [Value: Int32] = [:]

        mutating func number(_ value: Value) -> Int32 {
            if let number = numbers[value] { return number }
            values.append(value)
            numbers[value] = Int32(values.count - 1)
            return Int32(values.count - 1)
        }
    }

    /// Birth dates as recorded.
    public private(set) var births = Interned<String>()
    /// Postal codes.
    public private(set) var areas = Interned<String>()
    /// Administrative genders.
    public private(set) var genders = Interned<String>()
    /// Condition and vaccine codes.
    public private(set) var codes = Interned<PopulationCode>()
    /// People by slot; nil for a slot left by someone forgotten.
    public private(set) var people: [Person?] = []
    private var slots: [String: Int] = [:]
    private var free: [Int] = []
    /// The store's change mark the table reflects (``VigilStore/populationChanges(after:limit:)``).
    public var mark: Int64

    public init(mark: Int64 = 0) { self.mark = mark }

    /// How many people it holds.
    public var count: Int { slots.count }

    /// Adds a fact. A person comes before their facts: facts of someone without a person (a
    /// patient not stored, or deceased) are left out, as they count in no cohort.
    public mutating func add(_ fact: PopulationFact) {
        switch fact {
        case .person(let patient, let birth, let area, let gender, let deceased):
            guard !deceased, slots[patient] == nil else { return }
            let person = Person(
                birth: birth.map { births.number($0) }, area: area.map { areas.number($0) }, gender: gender.map { genders.number($0) })
            if let slot = free.popLast() {
                people[slot] = person
                slots[patient] = slot
            } else {
                people.append(person)
                slots[patient] = people.count - 1
            }
        case .condition(let patient, let system, let code):
            guard let slot = slots[patient] else { return }
            people[slot]!.conditions.append(codes.number(PopulationCode(system: system, code: code)))
        case .dose(let patient, let system, let code, let time):
            guard let slot = slots[patient] else { return }
            people[slot]!.doses.append(Dose(code: codes.number(PopulationCode(system: system, code: code)), time: time))
        case .bmi(let patient, let value, let time):
            guard let slot = slots[patient], let person = people[slot] else { return }
            // The latest counts; of two at the same time, the higher.
            if time > person.bmiTime || (time == person.bmiTime && value > person.bmi ?? -.infinity) {
                people[slot]!.bmi = value
                people[slot]!.bmiTime = time
            }
        case .researchRefusal(let patient, let from, let to):
            guard let slot = slots[patient] else { return }
            people[slot]!.refusals.append((from, to))
        }
    }

    /// The person a patient (`ID`) is, when held.
    public func person(_ patient: String) -> Person? { slots[patient].flatMap { people[$0] } }

    /// Records the store's number for a patient held.
    public mutating func identify(_ patient: String, key: Int64) {
        guard let slot = slots[patient] else { return }
        people[slot]!.key = key
    }

    /// The patients it holds.
    public var patients: some Collection<String> { slots.keys }

    /// Each patient it holds (`ID`) with their person.
    public var everyone: some Sequence<(patient: String, person: Person)> { slots.lazy.map { ($0.key, people[$0.value]!) } }

    /// A patient's facts as a record, conditions and doses in order; nil when not held.
    public func record(of patient: String) -> PopulationRecord? {
        guard let slot = slots[patient], let person = people[slot] else { return nil }
        return PopulationRecord(
            patient: patient, birth: person.birth.map { births.values[Int($0)] }, area: person.area.map { areas.values[Int($0)] },
            conditions: person.conditions.map { codes.values[Int($0)] }.sorted { ($0.system, $0.code) < ($1.system, $1.code) }, bmi: person.bmi,
            doses: person.doses.map { PopulationRecord.Dose(code: codes.values[Int($0.code)], time: $0.time) }.sorted {
                ($0.time, $0.code.system, $0.code.code) < ($1.time, $1.code.system, $1.code.code)
            })
    }

    /// Forgets a patient and every fact of theirs.
    public mutating func forget(_ patient: String) {
        guard let slot = slots.removeValue(forKey: patient) else { return }
        people[slot] = nil
        free.append(slot)
    }

    /// Brings the table up to `changes`: each changed patient forgotten, then their facts now.
    public mutating func apply(_ changes: PopulationChanges) {
        for patient in changes.patients { forget(patient) }
        for fact in changes.facts { add(fact) }
        for (patient, key) in changes.keys { identify(patient, key: key) }
        mark = changes.mark
    }
}
