import Foundation

/// Patches of JSON documents: JSON Patch (RFC 6902: `add`, `remove`, `replace`, `move`, `copy`,
/// `test` at JSON Pointers, RFC 6901) and JSON Merge Patch (RFC 7396). All or nothing: an
/// operation that fails leaves the document as it was, and the error names the operation.
public enum JSONPatch {
    /// `document` with the operations of a JSON Patch array applied in order.
    /// - Throws: ``VigilError`` (`.invalid`) for a malformed operation, or one whose path does not
    ///   exist, or a `test` that does not hold (`.preconditionFailed`).
    public static func apply(_ operations: JSON, to document: JSON) throws(VigilError) -> JSON {
        guard let operations = operations.arrayValue else { throw VigilError(.invalid, "a JSON Patch is an array of operations") }
        var document = document
        for (index, operation) in operations.enumerated() {
            let at = "operation \(index)"
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue.flatMap(pointer) else {
                throw VigilError(.invalid, "\(at) needs op and a JSON Pointer path (/name/0)")
            }
            func value() throws(VigilError) -> JSON {
                guard let value = operation["value"] else { throw VigilError(.invalid, "\(at) (\(op)) needs a value") }
                return value
            }
            func from() throws(VigilError) -> [String] {
                guard let from = operation["from"]?.stringValue.flatMap(pointer) else { throw VigilError(.invalid, "\(at) (\(op)) needs from") }
                return from
            }
            switch op {
            case "add": document = try add(try value(), at: path, in: document, at)
            case "remove": document = try remove(at: path, in: document, at).document
            case "replace": document = try add(try value(), at: path, in: try remove(at: path, in: document, at).document, at)
            case "move":
                let (rest, moved) = try remove(at: try from(), in: document, at)
                document = try add(moved, at: path, in: rest, at)
            case "copy": document = try add(try get(try from(), in: document, at), at: path, in: document, at)
            case "test":
                guard try get(path, in: document, at) == (try value()) else {
                    throw VigilError(.preconditionFailed, "\(at): test of \(operation["path"]?.stringValue ?? "") failed")
                }
            default: throw VigilError(.invalid, "\(at): op is add, remove, replace, move, copy or test (was \(op))")
            }
        }
        return document
    }

    /// `document` with a JSON Merge Patch applied: members of `patch` replace those of the
    /// document, `null` removes, objects merge member by member.
    public static func merge(_ patch: JSON, into document: JSON) -> JSON {
        guard case .object(let changes) = patch else { return patch }
        var object = document.objectValue ?? JSONObject()
        for member in changes {
            if member.value == .null {
                object[member.key] = nil
            } else {
                object[member.key] = merge(member.value, into: object[member.key] ?? .null)
            }
        }
        return .object(object)
    }

    /// The reference tokens of a JSON Pointer (`/a/b~1c` → `a`, `b/c`); nil when malformed.
    static func pointer(_ text: String) -> [String]? {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { return nil }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func get(_ path: [String], in node: JSON, _ at: String) throws(VigilError) -> JSON {
        guard let first = path.first else { return node }
        let rest = Array(path.dropFirst())
        switch node {
        case .object(let object):
            guard let child = object[first] else { throw missing(path, at) }
            return try get(rest, in: child, at)
        case .array(let items):
            guard let index = Int(first), items.indices.contains(index) else { throw missing(path, at) }
            return try get(rest, in: items[index], at)
        default:
            throw missing(path, at)
        }
    }

    private static func add(_ value: JSON, at path: [String], in node: JSON, _ at: String) throws(VigilError) -> JSON {
        guard let first = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch node {
        case .object(var object):
            if rest.isEmpty {
                object[first] = value
            } else {
                guard let child = object[first] else { throw missing(path, at) }
                object[first] = try add(value, at: rest, in: child, at)
            }
            return .object(object)
        case .array(var items):
            let index = first == "-" ? items.count : Int(first) ?? -1
            if rest.isEmpty {
                guard (0...items.count).contains(index) else { throw missing(path, at) }
                items.insert(value, at: index)
            } else {
                guard items.indices.contains(index) else { throw missing(path, at) }
                items[index] = try add(value, at: rest, in: items[index], at)
            }
            return .array(items)
        default:
            throw missing(path, at)
        }
    }

    private static func remove(at path: [String], in node: JSON, _ at: String) throws(VigilError) -> (document: JSON, removed: JSON) {
        guard let first = path.first else { throw VigilError(.invalid, "\(at): the whole document cannot be removed") }
        let rest = Array(path.dropFirst())
        switch node {
        case .object(var object):
            guard let child = object[first] else { throw missing(path, at) }
            if rest.isEmpty {
                object[first] = nil
                return (.object(object), child)
            }
            let (changed, removed) = try remove(at: rest, in: child, at)
            object[first] = changed
            return (.object(object), removed)
        case .array(var items):
            guard let index = Int(first), items.indices.contains(index) else { throw missing(path, at) }
            if rest.isEmpty { return (.array(items), items.remove(at: index)) }
            let (changed, removed) = try remove(at: rest, in: items[index], at)
            items[index] = changed
            return (.array(items), removed)
        default:
            throw missing(path, at)
        }
    }

    private static func missing(_ path: [String], _ at: String) -> VigilError {
        VigilError(.invalid, "\(at): nothing at \(path.joined(separator: "/")) to patch")
    }
}
