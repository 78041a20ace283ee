extension FHIRResourceType {
    /// One `identifier` of a resource: an optional system and a value.
    public struct Identifier: Sendable, Hashable, CustomStringConvertible {
        public var system: String?
        public var value: String

        /// `system|value`, or the value alone.
        public var description: String { system.map { "\($0)|\(value)" } ?? value }
    }

    /// Whether messages from outside find resources of this type by identifier (HL7 v2: a
    /// patient by PID-3, a device by OBX-18), so that no two may hold the same one.
    public var hasMatchedIdentifiers: Bool { self == .patient || self == .device }

    /// The identifiers with a value that `resource` holds.
    public func matchedIdentifiers(of resource: JSON) -> [Identifier] {
        (resource["identifier"]?.arrayValue ?? []).compactMap { identifier in
            identifier["value"]?.stringValue.map { Identifier(system: identifier["system"]?.stringValue, value: $0) }
        }
    }
}
