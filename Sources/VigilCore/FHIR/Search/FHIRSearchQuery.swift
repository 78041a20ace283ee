/// A parsed FHIR search over one resource type, ready for a store to run.
///
/// Built from URL parameters by ``parse(type:parameters:limits:)``; the server then sets
/// ``scope`` from what the requester may see.
public struct FHIRSearchQuery: Sendable, Equatable {
    /// How a token value's system is matched.
    public enum TokenSystem: Sendable, Hashable {
        /// `code`: any system.
        case any
        /// `|code`: no system.
        case none
        /// `system|code` or `system|`.
        case exactly(String)
    }

    /// How a string value is matched: `prefix` and `contains` fold case and accents (the value is
    /// held folded); `exact` compares the whole text as written.
    public enum StringMatch: String, Sendable { case prefix, exact, contains }

    /// A comparison prefix (https://hl7.org/fhir/R4/search.html#prefix); `ap` (approximately:
    /// within 10 %) for numbers and quantities only.
    public enum Prefix: String, Sendable, CaseIterable { case eq, ne, gt, lt, ge, le, sa, eb, ap }

    /// One value of a search parameter; a filter's values are alternatives (OR).
    public enum Value: Sendable, Equatable {
        case token(system: TokenSystem, code: String?)
        /// A reference target `Type/id`.
        case reference(String)
        case date(Prefix, low: Int64, high: Int64)
        case string(String, StringMatch)
        /// A number as written, with the range its precision implies (`100`: 99.5 to 100.5), and
        /// for a quantity its unit (`system` `.any` when not given).
        case quantity(Prefix, value: Double, low: Double, high: Double, system: TokenSystem, code: String?)
    }

    /// One parameter with its alternatives. Filters are combined with AND.
    public struct Filter: Sendable, Equatable {
        public var parameter: FHIRSearchParameter
        public var values: [Value]
        /// `:missing=true|false`: whether the resource has no value for the parameter.
        public var missing: Bool?
        /// `:not`: resources with no value among ``values`` (those without the parameter too).
        public var negated: Bool

        public init(parameter: FHIRSearchParameter, values: [Value], missing: Bool? = nil, negated: Bool = false) {
            self.parameter = parameter
            self.values = values
            self.missing = missing
            self.negated = negated
        }
    }

    /// A condition on other resources, which the server turns into a filter by searching them
    /// first (within what the requester may see).
    public enum Join: Sendable, Equatable {
        /// A chained parameter (`subject:Patient.identifier=X`): the reference `parameter` points
        /// to a `target` matching `name=value`.
        case chain(parameter: FHIRSearchParameter, target: FHIRResourceType, name: String, value: String)
        /// `_has:Observation:patient:code=X`: some `source` resource matching `name=value` refers
        /// to the resource through its reference `parameter`.
        case has(source: FHIRResourceType, parameter: FHIRSearchParameter, name: String, value: String)
    }

    /// A sort key: `_id`, `_lastUpdated` or a date parameter of the type.
    public struct SortKey: Sendable, Equatable {
        public var parameter: String
        public var descending: Bool

        public init(_ parameter: String, descending: Bool = false) {
            self.parameter = parameter
            self.descending = descending
        }
    }

    /// Which resources the requester may see, by compartment: the `Patient/ID` whose record a
    /// resource is part of, or for a `Group` and the care teams of a group, `Group/ID`.
    public enum Scope: Sendable, Equatable {
        /// Every resource (administrators).
        case all
        /// Only resources in these compartments; resources in no compartment (practitioners,
        /// locations, unassigned devices) too when `includeUnassigned` is set.
        case compartments(Set<String>, includeUnassigned: Bool)
    }

    public var type: FHIRResourceType
    /// `_id` values (OR), or nil for any.
    public var ids: [String]?
    public var filters: [Filter]
    /// `_lastUpdated` comparisons (AND).
    public var lastUpdated: [Value]
    public var sort: [SortKey]
    /// Page size.
    public var count: Int
    /// Results skipped before the page.
    public var offset: Int
    /// Whether to count all matches (`_total=accurate`, or `_count=0`).
    public var includeTotal: Bool
    public var scope: Scope
    /// `_include`: what the page's resources refer to, added to the page.
    public var includes: [FHIRInclude] = []
    /// `_revinclude`: resources that refer to the page's, added to the page.
    public var revIncludes: [FHIRInclude] = []
    /// Chains and `_has`, to be resolved into ``filters`` and ``ids`` before the store runs the query.
    public var joins: [Join] = []
    /// Matches after this point of the sort (a `next` link's `_cursor`), instead of `offset`.
    public var after: SearchCursor?
    /// `_summary` or `_elements`: the part of each resource answered.
    public var subset: FHIRSubset?

    public init(
        type: FHIRResourceType,
        ids: [String]? = nil,
        filters: [Filter] = [],
        lastUpdated: [Value] = [],
        sort: [SortKey] = [],
        count: Int = 50,
        offset: Int = 0,
        includeTotal: Bool = false,
        scope: Scope = .all
    ) {
        self.type = type
        self.ids = ids
        self.filters = filters
        self.lastUpdated = lastUpdated
        self.sort = sort
        self.count = count
        self.offset = offset
        self.includeTotal = includeTotal
        self.scope = scope
    }
}

extension FHIRSearchQuery.Value {
    /// Whether a date range `low...high` satisfies this date comparison (FHIR R4 search semantics).
    public func matches(low: Int64, high: Int64) -> Bool {
        guard case .date(let prefix, let pLow, let pHigh) = self else { return false }
        let contained = low >= pLow && high <= pHigh
        switch prefix {
        case .eq: return contained
        case .ne: return !contained
        case .gt: return high > pHigh
        case .lt: return low < pLow
        case .ge: return high > pHigh || contained
        case .le: return low < pLow || contained
        case .sa: return low > pHigh
        case .eb: return high < pLow
        case .ap: return false
        }
    }
}
