/// A value that is never printed or logged whole: a password, or a URL that carries one. Every
/// description of it, and of whatever holds it (a configuration printed by reflection, a log
/// line at any level), shows `<redacted>`; only ``value`` gives it, where it is used.
public struct Secret: Sendable, Equatable, ExpressibleByStringLiteral, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let value: String

    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
