/// Checks a FHIR R4 resource in JSON against ``FHIRSchema``: known elements only, the right
/// types and cardinalities, required elements present, one member per choice group, required
/// bindings honoured, primitive values in their lexical form, no empty or null values.
///
/// ```swift
/// let issues = FHIRValidator.validate(resource, as: "Patient")
/// if !issues.isEmpty { throw VigilError(.invalid, issues: issues) }
/// ```
public enum FHIRValidator {
    /// The most issues one validation reports.
    public static let maxIssues = 50

    /// Validates `resource`; returns the problems found (empty when it is valid).
    /// - Parameter type: the resource type the caller expects (the URL's type), or nil to accept any
    ///   R4 type.
    public static func validate(_ resource: JSON, as type: String? = nil) -> [VigilError.Issue] {
        var walker = Walker()
        walker.resource(resource, expected: type, path: type ?? "Resource")
        return walker.issues
    }
}

private struct Walker {
    var issues: [VigilError.Issue] = []

    mutating func report(_ message: String, at path: String, type: String = "structure") {
        guard issues.count < FHIRValidator.maxIssues else { return }
        issues.append(.init(type: type, diagnostics: message, expression: path))
    }

    /// A whole resource: the top-level one, or one inside another (`contained`).
    mutating func resource(_ json: JSON, expected type: String?, path: String, isContained: Bool = false) {
        guard case .object(let object) = json else {
            report("a resource must be a JSON object", at: path)
            return
        }
        guard let resourceType = object["resourceType"]?.stringValue else {
            report("resourceType is missing", at: path, type: "required")
            return
        }
        if let type, resourceType != type {
            report("resourceType \(resourceType) does not match the endpoint's type \(type)", at: path, type: "invalid")
            return
        }
        guard let elements = FHIRSchema.elements(ofResource: resourceType) else {
            report("\(resourceType) is not a FHIR R4 resource type", at: path, type: "not-supported")
            return
        }
        let root = isContained ? path : resourceType
        var body = object
        body["resourceType"] = nil
        if let contained = body["contained"] {
            body["contained"] = nil
            self.contained(contained, in: object, path: "\(root).contained")
        }
        structure(body, elements: elements, path: root, isRoot: true)
    }

    /// R4's rules for contained resources (dom-2 to dom-5): each has an id, holds no contained
    /// resources of its own, no version, time or security labels, and is referenced (`#id`) from
    /// the resource that contains it.
    mutating func contained(_ json: JSON, in container: JSONObject, path: String) {
        guard case .array(let items) = json, !items.isEmpty else {
            report("contained must be a non-empty array", at: path)
            return
        }
        let references = Set(FHIRReference.literals(in: .object(container), path: "").map(\.reference))
        for (i, item) in items.enumerated() {
            let at = "\(path)[\(i)]"
            resource(item, expected: nil, path: at, isContained: true)
            guard case .object(let object) = item else { continue }
            if object["contained"] != nil { report("a contained resource holds no contained resources (dom-2)", at: "\(at).contained") }
            if let meta = object["meta"], meta["versionId"] != nil || meta["lastUpdated"] != nil {
                report("a contained resource has no meta.versionId or meta.lastUpdated (dom-4)", at: "\(at).meta")
            }
            if object["meta"]?["security"] != nil { report("a contained resource has no security labels (dom-5)", at: "\(at).meta.security") }
            guard let id = object["id"]?.stringValue else {
                report("a contained resource needs an id", at: "\(at).id", type: "required")
                continue
            }
            let own = FHIRReference.literals(in: item, path: "").map(\.reference)
            if !references.contains("#\(id)") && !own.contains("#") {
                report("contained resource \(id) is neither referenced as #\(id) nor refers to its container as # (dom-3)", at: at)
            }
        }
    }

    mutating func structure(_ object: JSONObject, elements: [String: FHIRElement], path: String, isRoot: Bool = false) {
        if object.isEmpty && !isRoot {
            report("an element must not be an empty object", at: path)
            return
        }
        var choicesSeen: [String: String] = [:]
        for member in object {
            let key = member.key
            if key.hasPrefix("_") {
                let base = String(key.dropFirst())
                guard let element = elements[base], element.isPrimitive else {
                    report("unknown element \(key)", at: "\(path).\(key)")
                    continue
                }
                primitiveExtension(member.value, element: element, path: "\(path).\(key)")
                continue
            }
            guard let element = elements[key] else {
                report("unknown element \(key)", at: "\(path).\(key)")
                continue
            }
            if let group = element.choiceGroup {
                if let other = choicesSeen[group] {
                    report("only one of \(other) and \(key) may appear (\(group)[x])", at: "\(path).\(key)")
                }
                choicesSeen[group] = key
            }
            value(member.value, element: element, path: "\(path).\(key)")
        }
        // In name order: the same resource gets the same issues in the same order, whatever the
        // dictionaries' hash seeds.
        var requiredChoices: Set<String> = []
        for (name, element) in elements.filter(\.value.isRequired).sorted(by: { $0.key < $1.key }) {
            if let group = element.choiceGroup {
                requiredChoices.insert(group)
            } else if object[name] == nil && object["_" + name] == nil {
                report("\(name) is required", at: "\(path).\(name)", type: "required")
            }
        }
        for group in requiredChoices.sorted() where choicesSeen[group] == nil {
            report("\(group)[x] is required", at: "\(path).\(group)[x]", type: "required")
        }
    }

    mutating func value(_ json: JSON, element: FHIRElement, path: String) {
        if element.isArray {
            guard case .array(let items) = json else {
                report("\(last(path)) must be an array", at: path)
                return
            }
            if items.isEmpty { report("an array must not be empty", at: path) }
            for (i, item) in items.enumerated() {
                single(item, type: element.type, path: "\(path)[\(i)]")
            }
        } else {
            if case .array = json {
                report("\(last(path)) must not be an array", at: path)
                return
            }
            single(json, type: element.type, path: path)
        }
    }

    mutating func single(_ json: JSON, type: FHIRElementType, path: String) {
        if case .null = json {
            report("null is not allowed here", at: path)
            return
        }
        switch type {
        case .primitive(let primitive):
            if let problem = FHIRPrimitiveCheck.problem(json, primitive) { report(problem, at: path, type: "value") }
        case .codeIn(let allowed):
            if let problem = FHIRPrimitiveCheck.problem(json, .code) {
                report(problem, at: path, type: "value")
            } else if let code = json.stringValue, !allowed.contains(code) {
                report("'\(code)' is not one of \(allowed.sorted().joined(separator: ", "))", at: path, type: "code-invalid")
            }
        case .complex(let name):
            guard case .object(let object) = json, let elements = FHIRSchema.elements(ofDatatype: name) else {
                report("\(last(path)) must be an object (\(name))", at: path)
                return
            }
            structure(object, elements: elements, path: path)
        case .backbone(let name):
            guard case .object(let object) = json, let elements = FHIRSchema.elements(ofBackbone: name) else {
                report("\(last(path)) must be an object", at: path)
                return
            }
            structure(object, elements: elements, path: path)
        case .resource:
            resource(json, expected: nil, path: path, isContained: true)
        }
    }

    /// `_name` carries the id and extensions of a primitive: an object, or for a repeating
    /// primitive an array of objects and nulls matched by position.
    mutating func primitiveExtension(_ json: JSON, element: FHIRElement, path: String) {
        let elements = FHIRSchema.primitiveElement
        if element.isArray {
            guard case .array(let items) = json else {
                report("\(last(path)) must be an array", at: path)
                return
            }
            for (i, item) in items.enumerated() {
                if case .null = item { continue }
                guard case .object(let object) = item else {
                    report("must be an object or null", at: "\(path)[\(i)]")
                    continue
                }
                structure(object, elements: elements, path: "\(path)[\(i)]")
            }
        } else {
            guard case .object(let object) = json else {
                report("\(last(path)) must be an object", at: path)
                return
            }
            structure(object, elements: elements, path: path)
        }
    }

    private func last(_ path: String) -> Substring {
        path.split(separator: ".").last ?? Substring(path)
    }
}
