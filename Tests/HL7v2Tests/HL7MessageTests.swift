import HL7v2
import PropertyBased
import Testing

@Suite struct HL7MessageTests {
    /// A GE B40 monitor's PCD-01 message, as published in the IHE PCD examples.
    static let pcd01 = [
        #"MSH|^~\&|VSP^080019FFFE134535^EUI-64|GE Healthcare|||20130122134100||ORU^R01^ORU_R01|004097134535|P|2.6|||NE|AL||UNICODE UTF-8|||PCD_DEC_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO"#,
        "PID|||HED12^^^PID^MR||LAZY^KITTY^^^^^L|||",
        "PV1||R|SURGERY^^V2",
        "OBR|1|080019FFFE13453520130122134100^VSP^080019FFFE134535^EUI-64|080019FFFE13453520130122134100^VSP^080019FFFE134535^EUI-64|182777000^monitoring of patient^SCT|||20130122134100",
        "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X",
        "OBX|10||69798^MDC_DEV_ECG_VMD^MDC|1.5.0.0|||||||X",
        "OBX|11|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|80|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||||||080019FFFE0B4020^B40_GE",
        "OBX|4|NM|150033^MDC_PRESS_BLD_ART_SYS^MDC|1.13.1.1|112|266016^MDC_DIM_MMHG^MDC|||||R|||||||080019FFFE0B4020^B40_GE",
    ].joined(separator: "\r")

    @Test func readsAPCD01Message() throws {
        let message = try HL7Message(parsing: Self.pcd01)
        #expect(message.segments.map(\.id) == ["MSH", "PID", "PV1", "OBR", "OBX", "OBX", "OBX", "OBX"])
        #expect(message.controlID == "004097134535")
        #expect(message.type == ("ORU", "R01", "ORU_R01"))
        let msh = try #require(message.first("MSH"))
        #expect(msh[1] == "|" && msh.field(2).text == #"^~\&"#)
        #expect(msh[3, component: 2] == "080019FFFE134535")
        #expect(msh[12] == "2.6")
        #expect(message.first("PID")?[3] == "HED12")
        #expect(message.first("PID")?[5, component: 2] == "KITTY")
        let heartRate = message.all("OBX")[2]
        #expect(heartRate[3] == "147842" && heartRate[3, component: 2] == "MDC_ECG_HEART_RATE")
        #expect(heartRate[5] == "80" && heartRate[6, component: 2] == "MDC_DIM_BEAT_PER_MIN" && heartRate[11] == "R")
        #expect(heartRate[18] == "080019FFFE0B4020")
        #expect(message.all("OBX")[0][5] == "" && message.all("OBX")[0][11] == "X")
    }

    @Test func separatorsComeFromMSH() throws {
        let message = try HL7Message(parsing: "MSH#!*@%#SENDER######ADT!A01#42\rPID###a!b*c!d%e")
        #expect(message.encoding == HL7Encoding(field: "#", component: "!", repetition: "*", escape: "@", subcomponent: "%"))
        #expect(message.controlID == "42")
        let pid = try #require(message.first("PID")).field(3)
        #expect(pid.repetitions == [[["a"], ["b"]], [["c"], ["d", "e"]]])
    }

    @Test func escapesBecomeTheirCharacters() throws {
        let message = try HL7Message(parsing: #"MSH|^~\&|||||||ORU^R01|1\#rOBX|1|ST|||a\F\b\S\c\T\d\R\e\E\f\X4142\g\.br\h"#)
        #expect(message.first("OBX")?[5] == "a|b^c&d~e\\fABg\nh")
    }

    @Test func unknownOrUnclosedEscapesAreKeptAsWritten() throws {
        let message = try HL7Message(parsing: #"MSH|^~\&|||||||ORU^R01|1\#rOBX|1|ST|||\H\bold\N\ and \Xzz\ and \open"#)
        #expect(message.first("OBX")?[5] == #"\H\bold\N\ and \Xzz\ and \open"#)
    }

    @Test(arguments: ["\r", "\n", "\r\n", "\r\r\n\n"])
    func segmentsMayEndWithCROrLF(_ end: String) throws {
        let message = try HL7Message(parsing: ["MSH|^~\\&|A", "PID|||7", "OBX|1|NM||||5"].joined(separator: end) + end + end)
        #expect(message.segments.map(\.id) == ["MSH", "PID", "OBX"])
        #expect(message.first("OBX")?[6] == "5")
    }

    @Test(arguments: [
        ("PID|||1", HL7Error.Code.notAMessage),
        ("", .notAMessage),
        ("MSH|^~", .badEncodingCharacters),
        ("MSH|^^\\&|A", .badEncodingCharacters),
        ("MSH|^~\\A|B", .badEncodingCharacters),
        ("MSH|^~\\&PS|A", .badEncodingCharacters),  // found by fuzzing: read as 4 characters and a truncation character
        ("MSH|^~\\&P|A", .badEncodingCharacters),
        ("MSH|^~\\&^|A", .badEncodingCharacters),
        ("MSH|^~\\¦|A", .badEncodingCharacters),  // HL7 separators are ASCII
        ("MSH|^~\\&|A\rob|1", .badSegment),
        ("MSH|^~\\&|A\rOBX^1", .badSegment),
        ("MSH|^~\\&|A\rOBXX|1", .badSegment),
        ("MSH|^~\\&|A\rPID|1\rMSH|^!\\&|B", .badSegment),  // found by fuzzing: the second MSH-2 was rewritten
    ])
    func refusesWhatItCannotRead(_ text: String, _ code: HL7Error.Code) {
        let error = #expect(throws: HL7Error.self) { try HL7Message(parsing: text) }
        #expect(error?.code == code)
    }

    @Test func aBadSegmentIsNamedByItsPosition() {
        let error = #expect(throws: HL7Error.self) { try HL7Message(parsing: "MSH|^~\\&|A\rPID|1\robx|2") }
        #expect(error?.segment == 3)
    }

    @Test func encodingWritesWhatItRead() throws {
        let message = try HL7Message(parsing: Self.pcd01)
        #expect(try HL7Message(parsing: message.encoded()) == message.trimmed())
        #expect(message.encoded().hasPrefix(#"MSH|^~\&|VSP^080019FFFE134535^EUI-64|"#))
        #expect(message.encoded().split(separator: "\r").count == 8)
    }

    @Test func lineBreaksInAValueReadBackAsTheyWere() throws {
        // Found by fuzzing: a CR (from \X0D\) was written as \.br\ and read back as LF.
        for value in ["a\rb", "a\nb", "a\r\nb", "\u{02}\r"] {
            let message = HL7Message(segments: [HL7Segment("MSH", ["|", #"^~\&"#, HL7Field(value)])])
            #expect(try HL7Message(parsing: message.encoded()).segments[0].field(3).text == value, "\(value.debugDescription)")
        }
    }

    @Test func theTruncationCharacterOfVersion27IsKept() throws {
        let message = try HL7Message(parsing: "MSH|^~\\&#|APP\r")
        #expect(message.encoding.truncation == "#")
        #expect(message.encoded() == "MSH|^~\\&#|APP\r")
    }

    @Test func generatedMessagesRoundTrip() async {
        await propertyCheck(count: 300, input: Self.messages) { message in
            let reparsed = try HL7Message(parsing: message.encoded())
            #expect(reparsed == message)
        }
    }

    @Test func randomBytesNeverCrashTheParser() async {
        await propertyCheck(count: 2000, input: Gen<UInt8>.value(in: 0...255).array(of: 0...80)) { bytes in
            _ = try? HL7Message(parsing: Array("MSH|^~\\&|".utf8) + bytes)
            _ = try? HL7Message(parsing: bytes)
        }
    }

    /// Values of 1 to 8 characters, separators and the escape character among them.
    static let values = Gen<Character?>.element(of: Array("ab Z09.-|^~\\&")).compactMap { $0 }.string(of: 1...8)
    static let fields = values.array(of: 1...2).array(of: 1...3).array(of: 1...2).map { HL7Field(repetitions: $0) }
    static let segments = zip(Gen<Character?>.element(of: Array("ABCOPXZ")).compactMap { $0 }.string(of: 3...3), fields.array(of: 1...6))
        .map { id, fields in HL7Segment(id == "MSH" ? "MSX" : id, fields) }
    static let messages = zip(segments.array(of: 0...4), values).map { segments, control in
        HL7Message(
            segments: [HL7Segment("MSH", ["|", #"^~\&"#, "APP", "", "", "", "", "", HL7Field(components: ["ORU", "R01"]), HL7Field(control)])]
                + segments)
    }
}

extension HL7Message {
    /// The message as encoding leaves it: trailing empty fields and components dropped.
    func trimmed() -> HL7Message {
        var copy = self
        copy.segments = segments.map { segment in
            var fields = segment.fields.map { field in
                HL7Field(
                    repetitions: field.repetitions.map { components in
                        var components = components
                        while components.count > 1, components.last == [""] { components.removeLast() }
                        return components
                    })
            }
            while fields.count > (segment.id == "MSH" ? 2 : 0), let last = fields.last, last.isEmpty { fields.removeLast() }
            return HL7Segment(segment.id, fields)
        }
        return copy
    }
}
