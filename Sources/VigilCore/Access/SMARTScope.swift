/// One SMART on FHIR resource scope (`system/Observation.read`, `user/*.rs`): on which resource
/// types it opens which interactions. SMART v1 (`read`, `write`, `*`) and v2 (`c r u d s`)
/// permissions are both read; a v2 scope narrowed by a query (`?category=…`) is not understood.
public struct SMARTScope: Sendable, Hashable, CustomStringConvertible {
    public enum Context: String, Sendable {
        case patient, user, system
    }

    public let context: Context
    /// nil for every type (`*`).
    public let type: FHIRResourceType?
    public let interactions: Set<FHIRInteraction>
    public let description: String

    /// The scope `text` names, or nil when it is not a resource scope Vigil understands (`openid`,
    /// `launch`, `offline_access`, an unknown type or permission).
    public init?(_ text: String) {
        guard !text.contains("?"), let slash = text.firstIndex(of: "/"), let dot = text.lastIndex(of: "."), slash < dot,
            let context = Context(rawValue: String(text[..<slash]))
        else { return nil }
        let typeName = text[text.index(after: slash)..<dot]
        let permission = text[text.index(after: dot)...]
        if typeName == "*" {
            type = nil
        } else {
            guard let type = FHIRResourceType(rawValue: String(typeName)) else { return nil }
            self.type = type
        }
        guard let interactions = Self.interactions(String(permission)) else { return nil }
        (self.context, self.interactions, self.description) = (context, interactions, text)
    }

    private static func interactions(_ permission: String) -> Set<FHIRInteraction>? {
        switch permission {
        case "read": return [.read, .vread, .search]
        case "write": return [.create, .update, .delete]
        case "*": return Set(FHIRInteraction.allCases)
        default:
            // SMART v2: a subset of c r u d s, in that order.
            var result: Set<FHIRInteraction> = []
            var rest = Substring(permission)
            for (letter, opens) in [("c", [FHIRInteraction.create]), ("r", [.read, .vread]), ("u", [.update]), ("d", [.delete]), ("s", [.search])] {
                if rest.first == Character(letter) {
                    result.formUnion(opens)
                    rest = rest.dropFirst()
                }
            }
            return result.isEmpty || !rest.isEmpty ? nil : result
        }
    }

    /// Whether this scope opens `interaction` on `type`.
    public func allows(_ interaction: FHIRInteraction, on type: FHIRResourceType) -> Bool {
        (self.type == nil || self.type == type) && interactions.contains(interaction)
    }

    /// Whether this scope opens at least everything `other` opens.
    public func covers(_ other: SMARTScope) -> Bool {
        context == other.context && (type == nil || type == other.type) && interactions.isSuperset(of: other.interactions)
    }
}

/// The scopes a token was granted.
public struct SMARTScopes: Sendable, Equatable, CustomStringConvertible {
    public let scopes: [SMARTScope]

    /// The resource scopes of a space-separated scope string; others are left out.
    public init(_ text: String) {
        scopes = text.split(separator: " ").compactMap { SMARTScope(String($0)) }
    }

    public init(_ scopes: [SMARTScope]) { self.scopes = scopes }

    /// Whether any scope opens `interaction` on `type`.
    public func allows(_ interaction: FHIRInteraction, on type: FHIRResourceType) -> Bool {
        scopes.contains { $0.allows(interaction, on: type) }
    }

    /// The scopes of `requested` that these scopes cover: what a client registered with these may
    /// be granted when it asks for `requested`.
    public func granting(_ requested: SMARTScopes) -> SMARTScopes {
        SMARTScopes(requested.scopes.filter { asked in scopes.contains { $0.covers(asked) } })
    }

    public var description: String { scopes.map(\.description).joined(separator: " ") }
}
