import Foundation

/// Query strings: percent-encoding for links, and reading the criteria of conditional requests
/// (`If-None-Exist: identifier=urn:npi|42`) and bundle entries (`Condition?patient=p1`).
enum URLQuery {
    /// The name/value pairs of a query string (`+` is a space; `%XX` decoded).
    static func decode(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func unescape(_ part: Substring?) -> String {
                let text = String(part ?? "").replacingOccurrences(of: "+", with: " ")
                return text.removingPercentEncoding ?? text
            }
            return (unescape(parts.first), unescape(parts.count > 1 ? parts[1] : nil))
        }
    }

    static func encode(_ items: [(name: String, value: String)]) -> String {
        items.map { escape($0.name) + "=" + escape($0.value) }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
