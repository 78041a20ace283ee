import VigilCore

/// The `searchset` Bundle of a search, with absolute paging links.
enum SearchBundle {
    static func make(
        _ page: SearchPage, query: FHIRSearchQuery, parameters: [(name: String, value: String)], baseURL: String
    ) -> JSON {
        let path = "\(baseURL)/\(query.type.rawValue)"
        let kept = parameters.filter { $0.name != "_offset" && $0.name != "_count" }
        func link(_ relation: String, offset: Int) -> JSON {
            let items = kept + [("_count", String(query.count)), ("_offset", String(offset))]
            return ["relation": .string(relation), "url": .string(path + "?" + URLQuery.encode(items))]
        }
        var links = [link("self", offset: query.offset)]
        if page.hasMore { links.append(link("next", offset: query.offset + query.count)) }
        if query.offset > 0 { links.append(link("previous", offset: max(0, query.offset - query.count))) }
        var bundle: JSONObject = ["resourceType": "Bundle", "type": "searchset"]
        if let total = page.total { bundle["total"] = .integer(total) }
        bundle["link"] = .array(links)
        func entry(_ resource: StoredResource, mode: String) -> JSON {
            let json = query.subset.map { $0.apply(to: resource.json, type: resource.type) } ?? resource.json
            return ["fullUrl": .string("\(baseURL)/\(resource.type.rawValue)/\(resource.id)"), "resource": json, "search": ["mode": .string(mode)]]
        }
        let entries = page.resources.map { entry($0, mode: "match") } + page.included.map { entry($0, mode: "include") }
        if !entries.isEmpty { bundle["entry"] = .array(entries) }
        return .object(bundle)
    }
}
