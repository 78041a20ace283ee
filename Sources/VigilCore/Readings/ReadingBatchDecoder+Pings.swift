extension ReadingBatchDecoder {
    /// Whether an element of `readings` is a location ping: it has `position` or `place`.
    static func isPing(_ item: JSON) -> Bool {
        guard case .object(let object) = item else { return false }
        return object["position"] != nil || object["place"] != nil
    }

    /// Decodes a location ping: `{"seq", "boot"?, "time", "position": {"latitude", "longitude",
    /// "accuracy"?}}` or `{"seq", "boot"?, "time", "place": "Location/ID"}` (or both). A refused
    /// ping is withheld from quarantine (``ReadingRejection/withheld``).
    public func decodePing(_ item: JSON, index: Int, now: Int64) -> Swift.Result<PingSubmission, ReadingRejection> {
        guard case .object(let object) = item else {
            return .failure(ReadingRejection(index: index, boot: nil, seq: nil, reason: "a ping must be an object", payload: "", withheld: true))
        }
        let seq = object["seq"]?.int64Value
        let boot = object["boot"]?.stringValue
        func reject(_ reason: String, clockAhead: Bool = false) -> Swift.Result<PingSubmission, ReadingRejection> {
            .failure(ReadingRejection(index: index, boot: boot, seq: seq, reason: reason, payload: "", clockAhead: clockAhead, withheld: true))
        }
        if let unknown = object.keys.first(where: { !["seq", "boot", "time", "position", "place"].contains($0) }) {
            return reject("unknown field \(unknown) in a ping (seq, boot, time, position, place)")
        }
        guard let seq, seq >= 0 else { return reject("seq must be a whole number from 0") }
        if object["boot"] != nil {
            guard let boot, ProducerKey.isValidBoot(boot) else { return reject("boot must be 1 to 64 characters of A-Z a-z 0-9 - . _") }
        }
        guard let timeText = object["time"]?.stringValue, let time = FHIRDateTime(timeText), time.hasTime else {
            return reject("time must be an instant with a zone, such as 2026-03-01T08:00:00Z")
        }
        if let ahead = aheadOfClock(time.lowerBound, timeText: timeText, now: now) { return reject(ahead, clockAhead: true) }
        var position: GeoPosition?
        if let value = object["position"] {
            guard case .object(let members) = value, let latitude = members["latitude"]?.doubleValue,
                let longitude = members["longitude"]?.doubleValue, members.keys.allSatisfy({ ["latitude", "longitude", "accuracy"].contains($0) })
            else { return reject("position must be {\"latitude\": number, \"longitude\": number, \"accuracy\": metres?}") }
            let accuracy = members["accuracy"]
            guard accuracy == nil || accuracy?.doubleValue != nil else { return reject("accuracy must be a number of metres") }
            let parsed = GeoPosition(latitude: latitude, longitude: longitude, accuracy: accuracy?.doubleValue)
            if let problem = parsed.problem { return reject(problem) }
            position = parsed
        }
        var place: String?
        if let value = object["place"] {
            guard let text = value.stringValue, let reference = FHIRReference(text), reference.type == "Location" else {
                return reject("place must be a Location reference, Location/ID")
            }
            place = reference.id
        }
        return .success(
            PingSubmission(index: index, boot: boot ?? ProducerKey.defaultBoot, seq: seq, time: time.lowerBound, position: position, place: place))
    }
}
