/// Where a bulk export of one type has got to (``VigilStore/exportPage(_:after:since:limit:)``):
/// the stored resources in key order, then, for Observation, the device readings in id order.
public struct ExportCursor: Sendable, Equatable {
    /// The key of the last stored resource read (0: none yet).
    public var resourceKey: Int64
    /// The id of the last reading read; nil while stored resources are still being read.
    public var readingID: Int64?

    public init(resourceKey: Int64 = 0, readingID: Int64? = nil) { (self.resourceKey, self.readingID) = (resourceKey, readingID) }

    /// The start of an export.
    public static let start = ExportCursor()
}

/// One page of a bulk export: current resources as stored, and where the next page starts (nil:
/// the end).
public struct ExportPage: Sendable {
    /// A resource as the FHIR API serves it, still serialized: an export writes it as it is.
    public struct Entry: Sendable, Equatable {
        public var id: String
        /// The compartment it belongs to (`Patient/ID`, `Group/ID`), or nil.
        public var compartment: String?
        /// Its JSON, one line.
        public var json: [UInt8]

        public init(id: String, compartment: String?, json: [UInt8]) { (self.id, self.compartment, self.json) = (id, compartment, json) }
    }

    public var resources: [Entry]
    public var next: ExportCursor?

    public init(resources: [Entry], next: ExportCursor?) { (self.resources, self.next) = (resources, next) }
}
