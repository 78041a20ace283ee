/// A FHIR resource as the store holds it: the JSON (with `id` and `meta` set) and its version.
public struct StoredResource: Sendable, Equatable, Codable {
    public var type: FHIRResourceType
    public var id: String
    /// Version number, from 1.
    public var version: Int
    /// Milliseconds since the epoch.
    public var lastUpdated: Int64
    /// The compartment it belongs to (`Patient/ID`, `Group/ID`), or nil.
    public var compartment: String?
    public var json: JSON
    /// Whether this version is a deletion (`json` then holds the version before it, for access
    /// decisions; it is never served).
    public var isDeleted: Bool

    public init(
        type: FHIRResourceType, id: String, version: Int, lastUpdated: Int64, compartment: String?, json: JSON, isDeleted: Bool = false
    ) {
        self.type = type
        self.id = id
        self.version = version
        self.lastUpdated = lastUpdated
        self.compartment = compartment
        self.json = json
        self.isDeleted = isDeleted
    }

    /// The patient id of the compartment, when the compartment is a patient.
    public var patient: String? {
        guard let compartment, compartment.hasPrefix("Patient/") else { return nil }
        return String(compartment.dropFirst(8))
    }

    /// `W/"version"`, the HTTP ETag.
    public var etag: String { "W/\"\(version)\"" }
}

/// One resource to store, prepared by ``ResourcePreparation``: stamped JSON, search index entries,
/// compartment and access links.
public struct ResourceWrite: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        /// Create; fails with ``VigilError/Code/conflict`` when the id is taken.
        case create
        /// Replace version `replacing`, which must still be the current one (else
        /// ``VigilError/Code/conflict``: someone updated it meanwhile); fails with
        /// ``VigilError/Code/notFound`` when the resource does not exist.
        case update(replacing: Int)
        /// Mark version `replacing` deleted with a new version: the search and access rows go, the
        /// history stays. Fails like an update.
        case delete(replacing: Int)
    }

    public var mode: Mode
    public var resource: StoredResource
    public var index: [FHIRIndexEntry]
    public var accessLinks: [AccessLink]
    /// For a Device whose patient changes: when the new link starts (milliseconds since the
    /// epoch); nil for the write's own time.
    public var linkStart: Int64?

    public init(mode: Mode, resource: StoredResource, index: [FHIRIndexEntry], accessLinks: [AccessLink], linkStart: Int64? = nil) {
        self.mode = mode
        self.resource = resource
        self.index = index
        self.accessLinks = accessLinks
        self.linkStart = linkStart
    }
}

/// A page of search results.
public struct SearchPage: Sendable, Equatable {
    public var resources: [StoredResource]
    /// All matches, when the query asked for a total.
    public var total: Int?
    /// Where the page ended, for the next page to start after, when more follow.
    public var next: SearchCursor?
    /// What `_include` and `_revinclude` added (not matches; the service fills it in).
    public var included: [StoredResource] = []

    public init(resources: [StoredResource], next: SearchCursor?, total: Int?) {
        self.resources = resources
        self.next = next
        self.total = total
    }

    /// Whether more results follow this page.
    public var hasMore: Bool { next != nil }
}
