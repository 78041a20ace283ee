/// One field of a segment: its repetitions, each a list of components, each a list of
/// subcomponents; all text unescaped.
public struct HL7Field: Sendable, Equatable, ExpressibleByStringLiteral {
    public var repetitions: [[[String]]]

    public init(repetitions: [[[String]]]) { self.repetitions = repetitions }

    /// A field of one value.
    public init(_ text: String) { repetitions = [[[text]]] }

    /// A field of one repetition with these components.
    public init(components: [String]) { repetitions = [components.map { [$0] }] }

    public init(stringLiteral value: String) { self.init(value) }

    /// The empty field.
    public static let empty = HL7Field(repetitions: [[[""]]])

    /// The first repetition's first component's first subcomponent ("" when absent).
    public var text: String { component(1) }

    /// Component `n` (1-based) of the first repetition, its first subcomponent ("" when absent).
    public func component(_ n: Int, repetition: Int = 1) -> String {
        guard repetition >= 1, repetition <= repetitions.count else { return "" }
        let components = repetitions[repetition - 1]
        guard n >= 1, n <= components.count else { return "" }
        return components[n - 1].first ?? ""
    }

    /// Whether every value of the field is empty.
    public var isEmpty: Bool { repetitions.allSatisfy { $0.allSatisfy { $0.allSatisfy(\.isEmpty) } } }
}
