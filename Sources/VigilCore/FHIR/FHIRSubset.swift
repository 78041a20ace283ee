/// The part of each resource a search asks for (`_summary`, `_elements`): the rest is left out
/// and the resource is marked `SUBSETTED` in `meta.tag`, so that nobody takes it for the whole.
public enum FHIRSubset: Sendable, Equatable {
    /// `_summary=true`: the elements R4 marks as summary.
    case summary
    /// `_summary=text`: the narrative, with the required elements.
    case text
    /// `_summary=data`: everything but the narrative.
    case data
    /// `_elements=a,b`: these top-level elements.
    case elements(Set<String>)

    static let subsetted: JSON = ["system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "SUBSETTED"]

    /// `resource` (of type `type`) cut down to the subset.
    public func apply(to resource: JSON, type: FHIRResourceType) -> JSON {
        guard case .object(let object) = resource else { return resource }
        let structure = FHIRSchema.elements(ofResource: type.rawValue) ?? [:]
        var kept = JSONObject()
        for member in object {
            let name = member.key
            let element = structure[name]
            let keep: Bool =
                switch self {
                case .summary: element?.isSummary ?? false
                case .text: name == "text" || element?.isRequired == true
                case .data: name != "text"
                case .elements(let names): names.contains(name)
                }
            if keep || ["resourceType", "id", "meta"].contains(name) { kept[name] = member.value }
        }
        var meta = kept["meta"]?.objectValue ?? JSONObject()
        var tags = meta["tag"]?.arrayValue ?? []
        if !tags.contains(Self.subsetted) { tags.append(Self.subsetted) }
        meta["tag"] = .array(tags)
        kept["meta"] = .object(meta)
        return .object(kept)
    }
}
