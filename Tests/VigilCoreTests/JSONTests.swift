import PropertyBased
import Testing
import VigilCore

@Suite struct JSONTests {
    @Test func parsesEveryKindAndKeepsNumberText() throws {
        let value = try JSON.parse(#" {"a": [1, 2.50, -3e2, true, false, null, "x\"y\u00e9\n"], "b": {}} "#)
        #expect(value["a"]?[1]?.numberText == "2.50")
        #expect(value["a"]?[2]?.doubleValue == -300)
        #expect(value["a"]?[3] == .bool(true))
        #expect(value["a"]?[5] == .null)
        #expect(value["a"]?[6]?.stringValue == "x\"yé\n")
        #expect(value["b"] == .object(JSONObject()))
    }

    @Test func serializesCompactlyAndEscapes() throws {
        let value: JSON = ["s": "a\"b\\c\n\u{01}", "n": .number("1.50"), "list": [1, true, nil]]
        #expect(value.text == #"{"s":"a\"b\\c\n\u0001","n":1.50,"list":[1,true,null]}"#)
    }

    @Test func decodesSurrogatePairsAndRefusesLoneOnes() throws {
        #expect(try JSON.parse(#""\ud83d\ude00""#).stringValue == "😀")
        #expect(throws: VigilError.self) { try JSON.parse(#""\ud83d""#) }
        #expect(throws: VigilError.self) { try JSON.parse(#""\ude00x""#) }
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "NaN", "Infinity", "tru", "\"abc", "{\"a\" 1}", "[1 2]",
        "{\"a\":1,\"a\":2}", "\"\u{01}\"", "1 2", "{'a':1}",
    ])
    func refusesMalformedJSON(_ text: String) {
        #expect(throws: VigilError.self) { try JSON.parse(text) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: VigilError.self) { try JSON.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func enforcesTheDepthLimitAtItsEdge() throws {
        let deep32 = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        let deep33 = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        _ = try JSON.parse(deep32, limits: JSONLimits(maxDepth: 32))
        let error = #expect(throws: VigilError.self) { try JSON.parse(deep33, limits: JSONLimits(maxDepth: 32)) }
        #expect(error?.code == .tooLarge)
    }

    @Test func aMillionLevelsAreRefusedWithoutExhaustingTheStack() {
        let bomb = String(repeating: "[", count: 1_000_000)
        #expect(throws: VigilError.self) { try JSON.parse(bomb) }
    }

    @Test func objectEqualityIgnoresMemberOrder() {
        #expect(JSON.object(["a": 1, "b": 2]) == JSON.object(["b": 2, "a": 1]))
        #expect(JSON.object(["a": 1]) != JSON.object(["a": 1, "b": 2]))
    }

    @Test func doublesAreWrittenInShortestForm() {
        #expect(JSON.double(72).numberText == "72")
        #expect(JSON.double(36.6).numberText == "36.6")
        #expect(JSON.double(-0.5).numberText == "-0.5")
    }

    @Test func roundTripsGeneratedDocuments() async {
        await propertyCheck(count: 300, input: Self.documents) { document in
            let reparsed = try JSON.parse(document.serialized())
            #expect(reparsed == document)
        }
    }

    @Test func randomBytesNeverCrashTheParser() async {
        await propertyCheck(count: 2000, input: Gen<UInt8>.value(in: 0...255).array(of: 0...64)) { bytes in
            _ = try? JSON.parse(bytes)
        }
    }

    @Test func mutatedDocumentsNeverCrashTheParser() async {
        await propertyCheck(count: 500, input: Self.documents, Gen.int(in: 0...1000), Gen<UInt8>.value(in: 0...255)) { document, position, byte in
            var bytes = document.serialized()
            bytes[position % bytes.count] = byte
            _ = try? JSON.parse(bytes)
        }
    }

    /// Small JSON documents: objects of scalars and arrays of scalars, two levels deep.
    static let scalars = Gen<JSON>.oneOf(
        Gen.int(in: -1_000_000...1_000_000).map { JSON.integer($0) },
        Gen.letterOrNumber.string(of: 0...12).map { JSON.string($0) },
        Gen.bool.map { JSON.bool($0) },
        Gen.double(in: -1e6...1e6).map { JSON.double($0) }
    )
    static let documents = zip(
        Gen.letter.string(of: 1...6).array(of: 0...6), scalars.array(of: 0...6), scalars.array(of: 0...4)
    ).map { keys, values, list -> JSON in
        var object = JSONObject()
        for (key, value) in zip(keys, values) { object[key] = value }
        object["list"] = .array(list)
        return .object(object)
    }
}
