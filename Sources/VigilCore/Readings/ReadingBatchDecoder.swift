/// Reads the body of an ingest request, `{"readings":[{seq, boot?, time, code, value, unit}, …]}`,
/// into submissions and rejections. An element with `position` or `place` instead of a code is a
/// location ping (``decodePing(_:index:now:)``).
///
/// A body that is not that shape at all is refused whole; a reading that is wrong is rejected
/// on its own, with its index and reason, and the others go on.
public struct ReadingBatchDecoder: Sendable {
    public var catalog: CodeCatalog
    public var limits: IngestLimits

    public init(catalog: CodeCatalog = .standard, limits: IngestLimits = .init()) {
        self.catalog = catalog
        self.limits = limits
    }

    public struct Result: Sendable, Equatable {
        public var submissions: [ReadingSubmission]
        public var pings: [PingSubmission]
        public var rejections: [ReadingRejection]

        public init(submissions: [ReadingSubmission], pings: [PingSubmission] = [], rejections: [ReadingRejection]) {
            self.submissions = submissions
            self.pings = pings
            self.rejections = rejections
        }

        /// How many readings the request held.
        public var count: Int { submissions.count + pings.count + rejections.count }

        /// The sequence numbers of everything the request held that had one.
        public var seqs: [Int64] { submissions.map(\.seq) + pings.map(\.seq) + rejections.compactMap(\.seq) }
    }

    /// Decodes a whole request body.
    /// - Parameter now: server time in milliseconds, for refusing times ahead of it.
    /// - Throws: ``VigilError/Code/invalid`` when the body is not an object with a `readings`
    ///   array; ``VigilError/Code/tooLarge`` when it holds more than `limits.maxReadings`.
    public func decode(_ body: JSON, now: Int64) throws(VigilError) -> Result {
        guard case .object(let object) = body else {
            throw VigilError(.invalid, "the body must be a JSON object {\"readings\":[…]}", issueType: "structure")
        }
        if let unknown = object.keys.first(where: { $0 != "readings" }) {
            throw VigilError(.invalid, "unknown member \(unknown); the body is {\"readings\":[…]}", expression: unknown, issueType: "structure")
        }
        guard let items = object["readings"]?.arrayValue else {
            throw VigilError(.invalid, "readings must be an array", expression: "readings", issueType: "structure")
        }
        guard items.count <= limits.maxReadings else {
            throw VigilError(.tooLarge, "\(items.count) readings in one request; the limit is \(limits.maxReadings)", expression: "readings")
        }
        var result = Result(submissions: [], rejections: [])
        result.submissions.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if Self.isPing(item) {
                switch decodePing(item, index: index, now: now) {
                case .success(let ping): result.pings.append(ping)
                case .failure(let rejection): result.rejections.append(rejection)
                }
                continue
            }
            switch decode(item, index: index, now: now) {
            case .success(let submission): result.submissions.append(submission)
            case .failure(let rejection): result.rejections.append(rejection)
            }
        }
        return result
    }

    /// Decodes one element of `readings` (one pass over its members: this runs 100,000 times a second).
    public func decode(_ item: JSON, index: Int, now: Int64) -> Swift.Result<ReadingSubmission, ReadingRejection> {
        guard case .object(let object) = item else {
            return .failure(ReadingRejection(index: index, boot: nil, seq: nil, reason: "a reading must be an object", payload: item.text))
        }
        var seqValue: JSON?, bootValue: JSON?, timeValue: JSON?, codeValue: JSON?, valueJSON: JSON?, unitValue: JSON?
        var unknown: String?
        for member in object {
            switch member.key {
            case "seq": seqValue = member.value
            case "boot": bootValue = member.value
            case "time": timeValue = member.value
            case "code": codeValue = member.value
            case "value": valueJSON = member.value
            case "unit": unitValue = member.value
            default: unknown = unknown ?? member.key
            }
        }
        let seq = seqValue?.int64Value
        let boot = bootValue?.stringValue
        func reject(_ reason: String, clockAhead: Bool = false) -> Swift.Result<ReadingSubmission, ReadingRejection> {
            .failure(ReadingRejection(index: index, boot: boot, seq: seq, reason: reason, payload: item.text, clockAhead: clockAhead))
        }
        if let unknown { return reject("unknown field \(unknown)") }
        guard let seqValue else { return reject("seq is required") }
        guard let seq, seq >= 0 else { return reject("seq must be a whole number from 0 (was \(seqValue.text))") }
        if bootValue != nil {
            guard let boot, ProducerKey.isValidBoot(boot) else { return reject("boot must be 1 to 64 characters of A-Z a-z 0-9 - . _") }
        }
        guard let timeText = timeValue?.stringValue else { return reject("time is required (an instant such as 2026-03-01T08:00:00Z)") }
        guard let time = FHIRDateTime(timeText), time.hasTime else {
            return reject("time must be an instant with a zone, such as 2026-03-01T08:00:00Z")
        }
        guard let code = codeValue?.stringValue else { return reject("code is required (a LOINC code)") }
        guard let definition = catalog.definition(of: code) else { return reject("code \(code) is not a code Vigil accepts from devices") }
        guard let valueJSON else { return reject("value is required") }
        guard let value = valueJSON.doubleValue else { return reject("value must be a number (was \(valueJSON.kindName))") }
        guard let unit = unitValue?.stringValue else { return reject("unit is required (a UCUM unit)") }
        if let (reason, clockAhead) = problem(definition, value: value, unit: unit, time: time.lowerBound, timeText: timeText, now: now) {
            return reject(reason, clockAhead: clockAhead)
        }
        return .success(
            ReadingSubmission(
                index: index, boot: boot ?? ProducerKey.defaultBoot, seq: seq, time: time.lowerBound, code: code, value: value, unit: unit)
        )
    }

    /// Checks a reading that arrived as values (an HL7 row, a device's FHIR Observation) as
    /// ``decode(_:index:now:)`` checks one from JSON: its boot, code, unit, plausibility and time.
    /// - Parameter payload: what the device sent for it, kept in quarantine when it is refused.
    public func check(_ submission: ReadingSubmission, payload: String, now: Int64) -> Swift.Result<ReadingSubmission, ReadingRejection> {
        func reject(_ reason: String, clockAhead: Bool = false) -> Swift.Result<ReadingSubmission, ReadingRejection> {
            .failure(
                ReadingRejection(
                    index: submission.index, boot: submission.boot, seq: submission.seq, reason: reason, payload: payload, clockAhead: clockAhead))
        }
        guard submission.seq >= 0 else { return reject("seq must be a whole number from 0 (was \(submission.seq))") }
        guard ProducerKey.isValidBoot(submission.boot) else { return reject("boot must be 1 to 64 characters of A-Z a-z 0-9 - . _") }
        guard let definition = catalog.definition(of: submission.code) else {
            return reject("code \(submission.code) is not a code Vigil accepts from devices")
        }
        let timeText = FHIRDateTime.instant(milliseconds: submission.time)
        if let (reason, clockAhead) = problem(
            definition, value: submission.value, unit: submission.unit, time: submission.time, timeText: timeText, now: now)
        {
            return reject(reason, clockAhead: clockAhead)
        }
        return .success(submission)
    }

    /// Why a reading's time is ahead of the server's clock beyond the tolerance, or nil.
    func aheadOfClock(_ time: Int64, timeText: String, now: Int64) -> String? {
        guard time > now + limits.futureTolerance else { return nil }
        return "time \(timeText) is \(Self.duration(milliseconds: time - now)) ahead of the server's clock "
            + "(\(FHIRDateTime.instant(milliseconds: now)); tolerance \(Self.duration(milliseconds: limits.futureTolerance))): check the device's clock"
    }

    /// Why a reading of a known code cannot be stored (its unit, an implausible value, a time
    /// ahead of the server's clock), and whether it was the time; nil when it can.
    private func problem(_ definition: CodeDefinition, value: Double, unit: String, time: Int64, timeText: String, now: Int64) -> (
        String, clockAhead: Bool
    )? {
        if let problem = definition.problem(value: value, unit: unit) { return (problem, false) }
        return aheadOfClock(time, timeText: timeText, now: now).map { ($0, true) }
    }

    /// A duration as people say it: "90 s", "12 min", "5 h", "73 days".
    static func duration(milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        switch seconds {
        case ..<120: return "\(seconds) s"
        case ..<7200: return "\(seconds / 60) min"
        case ..<172_800: return "\(seconds / 3600) h"
        default: return "\(seconds / 86_400) days"
        }
    }
}
