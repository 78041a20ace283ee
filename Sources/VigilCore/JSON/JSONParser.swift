/// Limits a parse enforces, so hostile input costs bounded work and stack.
public struct JSONLimits: Sendable {
    /// The deepest nesting of arrays and objects allowed (the top level counts as 1).
    public var maxDepth: Int

    public init(maxDepth: Int = 32) {
        self.maxDepth = maxDepth
    }
}

extension JSON {
    /// Parses one JSON document from UTF-8 bytes.
    ///
    /// Strict RFC 8259: no comments, no trailing commas, no `NaN`, no lone surrogates, no invalid
    /// UTF-8. Duplicate keys in an object are refused (FHIR JSON forbids them and they make the
    /// meaning ambiguous).
    ///
    /// - Throws: ``VigilError`` with code ``VigilError/Code/invalid`` and the byte offset, or
    ///   ``VigilError/Code/tooLarge`` when the nesting exceeds `limits.maxDepth`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: JSONLimits = .init()) throws(VigilError) -> JSON {
        var parser = JSONParser(bytes: bytes, limits: limits)
        return try parser.parseDocument()
    }

    /// Parses one JSON document from UTF-8 bytes.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .init()) throws(VigilError) -> JSON {
        do {
            return try bytes.withUnsafeBytes { buffer in try JSON.parse(buffer, limits: limits) }
        } catch let error as VigilError {
            throw error
        } catch {
            fatalError("unreachable: \(error)")
        }
    }

    /// Parses one JSON document from a string.
    public static func parse(_ text: String, limits: JSONLimits = .init()) throws(VigilError) -> JSON {
        try parse(Array(text.utf8), limits: limits)
    }
}

/// A recursive-descent parser over a byte buffer. Recursion depth is bounded by `limits.maxDepth`.
struct JSONParser {
    let bytes: UnsafeRawBufferPointer
    let limits: JSONLimits
    var offset = 0
    var depth = 0

    init(bytes: UnsafeRawBufferPointer, limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func parseDocument() throws(VigilError) -> JSON {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard offset == bytes.count else { throw fail("unexpected data after the JSON value") }
        return value
    }

    private func fail(_ message: String) -> VigilError {
        VigilError(.invalid, "invalid JSON at byte \(offset): \(message)", issueType: "structure")
    }

    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    private mutating func expect(_ literal: StaticString, value: JSON) throws(VigilError) -> JSON {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw fail("truncated literal") }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[offset + $0] == expected[$0] }
        }
        guard matches else { throw fail("unexpected character") }
        offset += count
        return value
    }

    private mutating func parseValue() throws(VigilError) -> JSON {
        guard let byte = current else { throw fail("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", value: .bool(true))
        case UInt8(ascii: "f"): return try expect("false", value: .bool(false))
        case UInt8(ascii: "n"): return try expect("null", value: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character")
        }
    }

    private mutating func enter() throws(VigilError) {
        depth += 1
        guard depth <= limits.maxDepth else {
            throw VigilError(.tooLarge, "JSON nesting deeper than \(limits.maxDepth) levels at byte \(offset)")
        }
    }

    private mutating func parseObject() throws(VigilError) -> JSON {
        try enter()
        offset += 1
        var members: [JSONObject.Member] = []
        var seen: Set<String>? = nil
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return .object(JSONObject(uniqueMembers: members))
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try parseString()
            if members.count < 16 {
                if members.contains(where: { $0.key == key }) { throw fail("duplicate member name \"\(key)\"") }
            } else {
                if seen == nil { seen = Set(members.map(\.key)) }
                guard seen!.insert(key).inserted else { throw fail("duplicate member name \"\(key)\"") }
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw fail("expected ':'") }
            offset += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(.init(key: key, value: value))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"):
                offset += 1
                depth -= 1
                return .object(JSONObject(uniqueMembers: members))
            default: throw fail("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(VigilError) -> JSON {
        try enter()
        offset += 1
        var elements: [JSON] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"):
                offset += 1
                depth -= 1
                return .array(elements)
            default: throw fail("expected ',' or ']'")
            }
        }
    }

    private mutating func parseNumber() throws(VigilError) -> String {
        let start = offset
        if current == UInt8(ascii: "-") { offset += 1 }
        guard let first = current, isDigit(first) else { throw fail("expected a digit") }
        offset += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if current == UInt8(ascii: ".") {
            offset += 1
            guard let d = current, isDigit(d) else { throw fail("expected a digit after '.'") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            offset += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
            guard let d = current, isDigit(d) else { throw fail("expected a digit in the exponent") }
            skipDigits()
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let byte = current, isDigit(byte) { offset += 1 }
    }

    private mutating func parseString() throws(VigilError) -> String {
        offset += 1
        let start = offset
        // Fast path: no escapes; ASCII needs no UTF-8 validation.
        var ascii = true
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
                offset += 1
                if ascii { return String(decoding: slice, as: UTF8.self) }
                guard let string = String(validating: slice, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail("unescaped control character in string") }
            if byte >= 0x80 { ascii = false }
            offset += 1
        }
        guard offset < bytes.count else { throw fail("unterminated string") }
        var scalars: [UInt8] = Array(bytes[start..<offset])
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                guard let string = String(validating: scalars, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                return string
            case UInt8(ascii: "\\"):
                offset += 1
                try parseEscape(into: &scalars)
            case 0..<0x20:
                throw fail("unescaped control character in string")
            default:
                scalars.append(byte)
                offset += 1
            }
        }
        throw fail("unterminated string")
    }

    private mutating func parseEscape(into output: inout [UInt8]) throws(VigilError) {
        guard let byte = current else { throw fail("unterminated escape") }
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): output.append(0x22)
        case UInt8(ascii: "\\"): output.append(0x5C)
        case UInt8(ascii: "/"): output.append(0x2F)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try parseHex4())
            if (0xD800..<0xDC00).contains(scalar) {
                guard current == UInt8(ascii: "\\"), offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw fail("lone surrogate in \\u escape")
                }
                offset += 2
                let low = UInt32(try parseHex4())
                guard (0xDC00..<0xE000).contains(low) else { throw fail("lone surrogate in \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw fail("lone surrogate in \\u escape")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
            output.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw fail("invalid escape")
        }
    }

    private mutating func parseHex4() throws(VigilError) -> UInt16 {
        guard offset + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt16(digit)
            offset += 1
        }
        return value
    }
}
