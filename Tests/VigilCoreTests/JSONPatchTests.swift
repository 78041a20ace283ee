import Testing

@testable import VigilCore

/// JSON Patch (RFC 6902, with its examples) and JSON Merge Patch (RFC 7396).
@Suite struct JSONPatchTests {
    static func patch(_ operations: String, _ document: String) throws -> JSON {
        try JSONPatch.apply(try JSON.parse(operations), to: try JSON.parse(document))
    }

    @Test func theRFCsExamples() throws {
        #expect(try Self.patch(#"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"foo":"bar"}"#) == (try JSON.parse(#"{"foo":"bar","baz":"qux"}"#)))
        #expect(
            try Self.patch(#"[{"op":"add","path":"/foo/1","value":"qux"}]"#, #"{"foo":["bar","baz"]}"#)
                == (try JSON.parse(#"{"foo":["bar","qux","baz"]}"#)))
        #expect(try Self.patch(#"[{"op":"remove","path":"/baz"}]"#, #"{"baz":"qux","foo":"bar"}"#) == (try JSON.parse(#"{"foo":"bar"}"#)))
        #expect(try Self.patch(#"[{"op":"replace","path":"/baz","value":"boo"}]"#, #"{"baz":"qux"}"#) == (try JSON.parse(#"{"baz":"boo"}"#)))
        #expect(
            try Self.patch(#"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#, #"{"foo":{"waldo":"fred"},"qux":{}}"#)
                == (try JSON.parse(#"{"foo":{},"qux":{"thud":"fred"}}"#)))
        #expect(
            try Self.patch(#"[{"op":"add","path":"/foo/-","value":["abc"]}]"#, #"{"foo":["bar"]}"#) == (try JSON.parse(#"{"foo":["bar",["abc"]]}"#)))
        #expect(try Self.patch(#"[{"op":"add","path":"/a~1b","value":1}]"#, #"{}"#) == (try JSON.parse(#"{"a/b":1}"#)))
        #expect(try Self.patch(#"[{"op":"copy","from":"/a","path":"/b"}]"#, #"{"a":[1]}"#) == (try JSON.parse(#"{"a":[1],"b":[1]}"#)))
    }

    @Test func whatCannotBeAppliedIsRefusedAndChangesNothing() throws {
        let failing = [
            #"[{"op":"remove","path":"/nothing"}]"#, #"[{"op":"add","path":"/a/b/c","value":1}]"#, #"[{"op":"replace","path":"/x","value":1}]"#,
            #"[{"op":"add","path":"nope","value":1}]"#, #"[{"op":"jump","path":"/a"}]"#, #"{"op":"add"}"#, #"[{"op":"add","path":"/a"}]"#,
        ]
        for operations in failing {
            #expect(throws: VigilError.self, "\(operations)") { try Self.patch(operations, #"{"a":1}"#) }
        }
        let test = #expect(throws: VigilError.self) { try Self.patch(#"[{"op":"test","path":"/a","value":2}]"#, #"{"a":1}"#) }
        #expect(test?.code == .preconditionFailed)
    }

    @Test func aMergePatchReplacesRemovesAndMerges() throws {
        let merged = JSONPatch.merge(
            try JSON.parse(#"{"a":"z","c":{"f":null},"g":[1]}"#), into: try JSON.parse(#"{"a":"b","c":{"d":"e","f":"g"},"g":[0,2]}"#))
        #expect(merged == (try JSON.parse(#"{"a":"z","c":{"d":"e"},"g":[1]}"#)))
    }
}
