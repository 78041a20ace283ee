/// How urgently an alert must be answered (IEC 60601-1-8 sense): high means immediate
/// response, medium prompt, low when time allows.
public enum Priority: String, Sendable, Codable, CodingKeyRepresentable, Comparable, CaseIterable {
    case low, medium, high

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }

    public static func < (a: Priority, b: Priority) -> Bool { a.rank < b.rank }
}
