/// The lexical rules of FHIR R4 primitive types (https://hl7.org/fhir/R4/datatypes.html#primitive).
enum FHIRPrimitiveCheck {
    /// A description of what is wrong with `json` as a value of `type`, or nil when it is valid.
    static func problem(_ json: JSON, _ type: FHIRPrimitive) -> String? {
        switch type {
        case .boolean:
            return json.boolValue == nil ? "must be true or false" : nil
        case .integer, .positiveInt, .unsignedInt:
            guard let value = json.int64Value, value >= Int64(Int32.min), value <= Int64(Int32.max) else {
                return "must be an integer (32-bit, no fraction or exponent)"
            }
            if type == .positiveInt, value < 1 { return "must be 1 or more" }
            if type == .unsignedInt, value < 0 { return "must be 0 or more" }
            return nil
        case .decimal:
            return json.doubleValue == nil ? "must be a number" : nil
        default:
            guard let text = json.stringValue else { return "must be a string" }
            return stringProblem(text, type)
        }
    }

    private static func stringProblem(_ text: String, _ type: FHIRPrimitive) -> String? {
        if text.isEmpty { return "must not be empty" }
        // R4: "Strings SHALL NOT contain Unicode character points below 32, except for u0009
        // (horizontal tab), u0010 (carriage return) and u0013 (line feed)".
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\r" && $0 != "\n" }) {
            return "must not contain a control character (below U+0020, only tab, CR and LF are allowed)"
        }
        switch type {
        case .string, .markdown:
            if text.utf8.count > 1_048_576 { return "is longer than 1 MiB" }
            return text.allSatisfy(\.isWhitespace) ? "must not be only whitespace" : nil
        case .xhtml:
            return text.hasPrefix("<div") ? nil : "narrative must be an XHTML <div>"
        case .code:
            let valid =
                text.first?.isWhitespace == false && text.last?.isWhitespace == false
                && !text.contains("  ") && !text.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" })
            return valid ? nil : "a code has no leading, trailing or repeated whitespace"
        case .id:
            return isID(text) ? nil : "an id is 1 to 64 characters of A-Z a-z 0-9 - ."
        case .uri, .url, .canonical, .oid, .uuid:
            return text.contains(where: \.isWhitespace) ? "must not contain whitespace" : nil
        case .base64Binary:
            // R4's base64Binary regex allows whitespace between the characters (folded lines).
            let valid = text.utf8.allSatisfy { byte in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
                    || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
            }
            return valid ? nil : "must be base64"
        case .date:
            guard let value = FHIRDateTime(text), !value.hasTime else { return "must be a date (YYYY, YYYY-MM or YYYY-MM-DD)" }
            return nil
        case .dateTime:
            return FHIRDateTime(text) == nil ? "must be a dateTime (YYYY[-MM[-DD[Thh:mm:ss[.sss](Z|+hh:mm)]]])" : nil
        case .instant:
            guard let value = FHIRDateTime(text), value.hasTime else { return "must be an instant (YYYY-MM-DDThh:mm:ss[.sss](Z|+hh:mm))" }
            return nil
        case .time:
            return isTime(text) ? nil : "must be a time (hh:mm:ss[.sss])"
        case .boolean, .integer, .positiveInt, .unsignedInt, .decimal:
            return nil
        }
    }

    /// Whether `text` is a FHIR id: `[A-Za-z0-9\-\.]{1,64}`.
    static func isID(_ text: String) -> Bool {
        let utf8 = text.utf8
        return !utf8.isEmpty && utf8.count <= 64
            && utf8.allSatisfy { byte in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
    }

    private static func isTime(_ text: String) -> Bool {
        let b = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count else { return nil }
            var value = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard b.count >= 8, let h = digits(0..<2), h < 24, b[2] == UInt8(ascii: ":"), let m = digits(3..<5), m < 60,
            b[5] == UInt8(ascii: ":"), let s = digits(6..<8), s < 60
        else { return false }
        if b.count == 8 { return true }
        return b[8] == UInt8(ascii: ".") && b.count > 9 && digits(9..<b.count) != nil
    }
}
