import Testing
import VigilCore

@Suite struct ReadingBatchDecoderTests {
    let decoder = ReadingBatchDecoder()
    let now = FHIRDateTime("2026-03-01T08:00:00Z")!.lowerBound

    func body(_ readings: [JSON]) -> JSON { ["readings": .array(readings)] }

    @Test func decodesAValidReading() throws {
        let result = try decoder.decode(
            body([["seq": 7, "boot": "b1", "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 72, "unit": "/min"]]), now: now)
        #expect(result.rejections == [])
        #expect(
            result.submissions == [
                ReadingSubmission(index: 0, boot: "b1", seq: 7, time: now - 60_000, code: "8867-4", value: 72, unit: "/min")
            ])
    }

    @Test func bootDefaultsToZero() throws {
        let result = try decoder.decode(body([["seq": 1, "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 72, "unit": "/min"]]), now: now)
        #expect(result.submissions.first?.boot == "0")
    }

    static let badReadings: [(String, String)] = [
        (#"{"time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 72, "unit": "/min"}"#, "seq is required"),
        (#"{"seq": -1, "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 72, "unit": "/min"}"#, "seq must be"),
        (#"{"seq": 1.5, "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 72, "unit": "/min"}"#, "seq must be"),
        (#"{"seq": 1, "boot": "a/b", "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 72, "unit": "/min"}"#, "boot must be"),
        (#"{"seq": 1, "code": "8867-4", "value": 72, "unit": "/min"}"#, "time is required"),
        (#"{"seq": 1, "time": "2026-03-01", "code": "8867-4", "value": 72, "unit": "/min"}"#, "time must be an instant"),
        (#"{"seq": 1, "time": "2026-03-01T07:59:00Z", "value": 72, "unit": "/min"}"#, "code is required"),
        (#"{"seq": 1, "time": "2026-03-01T07:59:00Z", "code": "1234-5", "value": 72, "unit": "/min"}"#, "not a code Vigil accepts"),
        (#"{"seq": 1, "time": "2026-03-01T07:59:00Z", "code": "8867-4", "unit": "/min"}"#, "value is required"),
        (#"{"seq": 1, "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": "72", "unit": "/min"}"#, "value must be a number"),
        (#"{"seq": 1, "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 72}"#, "unit is required"),
        (#"{"seq": 1, "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 72, "unit": "bpm"}"#, "unit bpm is not a unit of 8867-4"),
        (#"{"seq": 1, "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 351, "unit": "/min"}"#, "outside the plausible range"),
        (#"{"seq": 1, "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 72, "unit": "/min", "note": "x"}"#, "unknown field note"),
        (#""not an object""#, "must be an object"),
    ]

    @Test(arguments: badReadings)
    func rejectsEachKindOfBadReadingWithItsReason(_ text: String, _ reason: String) throws {
        let reading = try JSON.parse(text)
        let good: JSON = ["seq": 9, "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 72, "unit": "/min"]
        let result = try decoder.decode(body([good, reading]), now: now)
        #expect(result.submissions.count == 1)
        let rejection = try #require(result.rejections.first)
        #expect(rejection.index == 1)
        #expect(rejection.reason.contains(reason), "\(rejection.reason)")
        #expect(rejection.payload == reading.text)
    }

    @Test func plausibleRangesAreInclusiveAtBothEdges() throws {
        for (value, accepted) in [(0.0, true), (100.0, true), (-0.1, false), (100.1, false)] {
            let result = try decoder.decode(
                body([["seq": 1, "time": "2026-03-01T07:59:00Z", "code": "59408-5", "value": .double(value), "unit": "%"]]), now: now)
            #expect(result.submissions.count == (accepted ? 1 : 0), "\(value)")
        }
    }

    /// A reading from a clock ahead of the server's beyond the tolerance would stand as the
    /// latest until its date and hide what comes after: it is refused (and quarantined) with its
    /// reason, marked as a clock problem for the device's clock-skew alert.
    @Test func refusesTimesBeyondTheTolerance() throws {
        let tolerance = IngestLimits().futureTolerance
        let within = FHIRDateTime.instant(milliseconds: now + tolerance)
        let beyond = FHIRDateTime.instant(milliseconds: now + tolerance + 1000)
        let result = try decoder.decode(
            body([
                ["seq": 1, "time": .string(within), "code": "8867-4", "value": 72, "unit": "/min"],
                ["seq": 2, "time": .string(beyond), "code": "8867-4", "value": 72, "unit": "/min"],
                ["seq": 3, "time": "2099-01-01T00:00:00Z", "code": "8867-4", "value": 72, "unit": "/min"],
            ]), now: now)
        #expect(result.submissions.map(\.seq) == [1])
        #expect(result.rejections.map(\.seq) == [2, 3])
        #expect(result.rejections.allSatisfy { $0.clockAhead })
        #expect(result.rejections[1].reason.contains("ahead of the server's clock"), "\(result.rejections[1].reason)")
    }

    @Test func refusesBodiesOfTheWrongShapeWhole() {
        for body: JSON in [[1, 2], ["readings": "x"], ["items": []], ["readings": [], "extra": 1]] {
            let error = #expect(throws: VigilError.self) { try decoder.decode(body, now: now) }
            #expect(error?.code == .invalid)
        }
    }

    @Test func refusesMoreReadingsThanTheLimit() {
        let small = ReadingBatchDecoder(limits: IngestLimits(maxReadings: 2))
        let reading: JSON = ["seq": 1, "time": "2026-03-01T07:59:00Z", "code": "8867-4", "value": 72, "unit": "/min"]
        #expect(throws: Never.self) { try small.decode(body([reading, reading]), now: now) }
        let error = #expect(throws: VigilError.self) { try small.decode(body([reading, reading, reading]), now: now) }
        #expect(error?.code == .tooLarge)
    }
}

/// Readings that arrive as values (HL7 rows, a device's FHIR Observation) are checked as those
/// that arrive as JSON: the same answer, the same reason.
@Suite struct ReadingCheckTests {
    let decoder = ReadingBatchDecoder()
    let now = FHIRDateTime("2026-03-01T08:00:00Z")!.lowerBound

    static let candidates: [ReadingSubmission] = {
        let t = FHIRDateTime("2026-03-01T07:59:00Z")!.lowerBound
        let tolerance = IngestLimits().futureTolerance
        return [
            ReadingSubmission(index: 0, boot: "b1", seq: 7, time: t, code: "8867-4", value: 72, unit: "/min"),
            ReadingSubmission(index: 0, boot: "b1", seq: 7, time: t, code: "1234-5", value: 72, unit: "/min"),
            ReadingSubmission(index: 0, boot: "b1", seq: 7, time: t, code: "8867-4", value: 72, unit: "bpm"),
            ReadingSubmission(index: 0, boot: "b1", seq: 7, time: t, code: "8867-4", value: 351, unit: "/min"),
            ReadingSubmission(index: 0, boot: "b1", seq: 7, time: t, code: "59408-5", value: 100, unit: "%"),
            ReadingSubmission(index: 0, boot: "b1", seq: 7, time: t, code: "59408-5", value: 100.1, unit: "%"),
            ReadingSubmission(index: 0, boot: "a/b", seq: 7, time: t, code: "8867-4", value: 72, unit: "/min"),
            ReadingSubmission(index: 0, boot: "b1", seq: -1, time: t, code: "8867-4", value: 72, unit: "/min"),
            ReadingSubmission(index: 0, boot: "b1", seq: 7, time: t + 60_000 + tolerance, code: "8867-4", value: 72, unit: "/min"),
            ReadingSubmission(index: 0, boot: "b1", seq: 7, time: t + 60_000 + tolerance + 1000, code: "8867-4", value: 72, unit: "/min"),
        ]
    }()

    @Test(arguments: candidates)
    func valuesAreCheckedAsJSONIs(_ candidate: ReadingSubmission) throws {
        let json: JSON = [
            "seq": .integer(candidate.seq), "boot": .string(candidate.boot), "time": .string(FHIRDateTime.instant(milliseconds: candidate.time)),
            "code": .string(candidate.code), "value": .double(candidate.value), "unit": .string(candidate.unit),
        ]
        let checked = decoder.check(candidate, payload: "sent", now: now)
        switch (checked, decoder.decode(json, index: 0, now: now)) {
        case (.success(let a), .success(let b)):
            #expect(a == b)
        case (.failure(let a), .failure(let b)):
            #expect(a.reason == b.reason)
            #expect(a.clockAhead == b.clockAhead)
            #expect(a.payload == "sent")
        default:
            Issue.record("check and decode disagree: \(checked)")
        }
    }
}
