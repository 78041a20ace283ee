/// The HL7 v2 NM data type: an optional leading sign (`+` or `-`), digits and an optional
/// decimal point, nothing else (HL7 v2.6 §2.A.47). `Double(_:)` alone would also read `0x50`,
/// `1e2`, `inf` and `nan`, which a device never means as a measurement.
public enum HL7Numeric {
    /// The value of `text`, or nil when it is not an NM.
    public static func value(_ text: String) -> Double? {
        var digits = 0
        var points = 0
        for (i, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): points += 1
            case UInt8(ascii: "+") where i == 0, UInt8(ascii: "-") where i == 0: break
            default: return nil
            }
        }
        guard digits > 0, points <= 1, let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
