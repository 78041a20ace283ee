import VigilCore

/// The `history` Bundle of `_history`: each version newest first, with the request that would
/// make it again (PUT, or DELETE for a deletion, which carries no resource) and its outcome.
enum HistoryBundle {
    static func make(_ versions: [StoredResource], baseURL: String) -> JSON {
        var bundle: JSONObject = ["resourceType": "Bundle", "type": "history", "total": .integer(versions.count)]
        if !versions.isEmpty {
            bundle["entry"] = .array(
                versions.map { version in
                    let url = "\(version.type.rawValue)/\(version.id)"
                    var entry: JSONObject = ["fullUrl": .string("\(baseURL)/\(url)")]
                    if version.isDeleted {
                        entry["request"] = ["method": "DELETE", "url": .string(url)]
                        entry["response"] = ["status": "204", "lastModified": .string(FHIRDateTime.instant(milliseconds: version.lastUpdated))]
                    } else {
                        entry["resource"] = version.json
                        entry["request"] = ["method": "PUT", "url": .string(url)]
                        entry["response"] = [
                            "status": .string(version.version == 1 ? "201" : "200"), "etag": .string(version.etag),
                            "lastModified": .string(FHIRDateTime.instant(milliseconds: version.lastUpdated)),
                        ]
                    }
                    return .object(entry)
                })
        }
        return .object(bundle)
    }
}
