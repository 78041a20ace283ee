import FuzzSupport
import VigilCore

/// Any bytes: the parser answers a value or a VigilError, and what it answers survives a round
/// trip (serialized and parsed again, it is the same value).
@main enum FuzzJSON {
    static func main() {
        Fuzzer.run { input in
            guard let value = try? JSON.parse(UnsafeRawBufferPointer(input)) else { return }
            let again = try? JSON.parse(value.serialized())
            precondition(again == value, "a parsed value changed in a round trip")
        }
    }
}
