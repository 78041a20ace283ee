import VigilCore

/// The `searchset` Bundle of a search, with absolute paging links.
enum SearchBundle {
    static func make(
        _ page: SearchPage, query: FHIRSearchQuery, parameters: [(name: String, value: String)], baseURL: String
    ) -> JSON {
        let path = "\(baseURL)/\(query.type.rawValue)"
        let kept = parameters.filter { !["_offset", "_count", "_cursor"].contains($0.name) }
        func link(_ relation: String, _ position: (name: String, value: String)?) -> JSON {
            let items = kept + [("_count", String(query.count))] + (position.map { [$0] } ?? [])
            return ["relation": .string(relation), "url": .string(path + "?" + URLQuery.encode(items))]
        }
        // The self link says where this page started; next starts after its last match, so
        // matches that arrive between the pages neither repeat an entry nor push one past.
        let start: (name: String, value: String)? =
            query.after.map { ("_cursor", $0.token) } ?? (query.offset > 0 ? ("_offset", String(query.offset)) : nil)
        var links = [link("self", start)]
        if let next = page.next { links.append(link("next", ("_cursor", next.token))) }
        var bundle: JSONObject = ["resourceType": "Bundle", "type": "searchset"]
        if let total = page.total { bundle["total"] = .integer(total) }
        bundle["link"] = .array(links)
        let entries = [(page.resources, "match"), (page.included, "include")].flatMap { resources, mode in
            resources.map { entry($0, mode: mode, baseURL: baseURL, subset: query.subset) }
        }
        if !entries.isEmpty { bundle["entry"] = .array(entries) }
        return .object(bundle)
    }

    /// One entry of a `searchset`: the resource (cut down to `subset`) at its absolute URL, with its search mode.
    static func entry(_ resource: StoredResource, mode: String, baseURL: String, subset: FHIRSubset? = nil) -> JSON {
        let json = subset.map { $0.apply(to: resource.json, type: resource.type) } ?? resource.json
        return ["fullUrl": .string("\(baseURL)/\(resource.type.rawValue)/\(resource.id)"), "resource": json, "search": ["mode": .string(mode)]]
    }
}
