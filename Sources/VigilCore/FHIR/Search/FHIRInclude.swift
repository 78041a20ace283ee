/// An `_include` or `_revinclude` of a search: `SourceType:parameter[:TargetType]`, a reference
/// parameter of the source type whose targets (for `_include`) or whose holders (for
/// `_revinclude`) join the page.
public struct FHIRInclude: Sendable, Equatable {
    public let source: FHIRResourceType
    public let parameter: FHIRSearchParameter
    /// Only targets of this type, when given.
    public let target: FHIRResourceType?

    /// Parses `text`; `name` (`_include` or `_revinclude`) names the parameter in errors.
    public init(_ text: String, name: String) throws(VigilError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else {
            throw VigilError(.invalid, "\(name) takes SourceType:parameter[:TargetType] (was \(text)); * is not supported", expression: name)
        }
        guard let source = FHIRResourceType(rawValue: parts[0]) else {
            throw VigilError(.invalid, "\(name): \(parts[0]) is not a resource type this server keeps", expression: name)
        }
        guard let parameter = FHIRSearchParameter.parameters(of: source)[parts[1]], parameter.kind == .reference else {
            throw VigilError(.invalid, "\(name): \(parts[1]) is not a reference parameter of \(source.rawValue)", expression: name)
        }
        var target: FHIRResourceType?
        if parts.count == 3 {
            guard let type = FHIRResourceType(rawValue: parts[2]) else {
                throw VigilError(.invalid, "\(name): \(parts[2]) is not a resource type this server keeps", expression: name)
            }
            target = type
        }
        (self.source, self.parameter, self.target) = (source, parameter, target)
    }

    /// Whether a reference `Type/id` is one this include follows.
    public func follows(_ reference: String) -> Bool {
        guard let slash = reference.firstIndex(of: "/") else { return false }
        let type = reference[..<slash]
        return (target.map { $0.rawValue == type } ?? true) && (parameter.targetType.map { $0 == type } ?? true)
    }
}
