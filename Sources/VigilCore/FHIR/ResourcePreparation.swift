/// Turns a validated resource into what the store writes: the JSON with `id` and `meta`
/// stamped, its search index entries, its compartment and the access links it grants.
public enum ResourcePreparation {
    /// The compartment a resource belongs to: the patient whose record holds it (`Patient/ID`),
    /// or for a Group and what names a Group as its subject (a group's care team, a ward's
    /// observation), the group (`Group/ID`).
    public static func compartment(of resource: JSON, type: FHIRResourceType, id: String) -> String? {
        switch type {
        case .patient: return "Patient/\(id)"
        case .group: return "Group/\(id)"
        default:
            guard let element = type.patientElement,
                let reference = resource[element]?["reference"]?.stringValue.flatMap(FHIRReference.init)
            else { return nil }
            if reference.type == "Patient" || (type.groupMayBeSubject && reference.type == "Group") {
                return reference.description
            }
            return nil
        }
    }

    /// Stamps `id` and `meta.versionId`/`meta.lastUpdated` on a resource, keeping the client's
    /// other `meta` elements (profile, tag, security, source), with `resourceType`, `id`, `meta` first.
    public static func stamp(_ resource: JSON, type: FHIRResourceType, id: String, version: Int, lastUpdated: Int64) -> JSON {
        var meta = resource["meta"]?.objectValue ?? JSONObject()
        meta["versionId"] = .string(String(version))
        meta["lastUpdated"] = .string(FHIRDateTime.instant(milliseconds: lastUpdated))
        var object: JSONObject = ["resourceType": .string(type.rawValue), "id": .string(id), "meta": .object(meta)]
        for member in resource.objectValue ?? JSONObject() where !["resourceType", "id", "meta"].contains(member.key) {
            object[member.key] = member.value
        }
        return .object(object)
    }

    /// Prepares a store write of `resource` (already validated) as version `version` of `type/id`.
    public static func write(
        _ resource: JSON, type: FHIRResourceType, id: String, version: Int, lastUpdated: Int64, mode: ResourceWrite.Mode
    ) -> ResourceWrite {
        let stamped = stamp(resource, type: type, id: id, version: version, lastUpdated: lastUpdated)
        return ResourceWrite(
            mode: mode,
            resource: StoredResource(
                type: type, id: id, version: version, lastUpdated: lastUpdated,
                compartment: compartment(of: stamped, type: type, id: id), json: stamped
            ),
            index: FHIRIndexer.entries(for: stamped, type: type),
            accessLinks: AccessLink.links(of: stamped, type: type)
        )
    }
}
