import VigilCore

/// What the server publishes on `vigil/devices/{id}/ack` after a commit (docs/protocols.md): the HTTP
/// answer, plus `seqs`, the ranges `[[first,last],…]` of sequence numbers the device may forget
/// (stored, duplicates and quarantined alike).
enum DeviceAcknowledgement {
    /// The acknowledgement of an ingested batch.
    static func json(_ result: IngestHandler.Result, seqs: [Int64]) -> JSON {
        guard case .object(var object) = result.json else { return result.json }
        object["seqs"] = ranges(seqs)
        return .object(object)
    }

    /// The acknowledgement of a payload that was not a batch at all (quarantined whole).
    static func refusal(_ reason: String) -> JSON {
        ["accepted": 0, "duplicates": 0, "rejected": [], "error": .string(reason), "seqs": []]
    }

    /// Sorted, merged ranges of `seqs`: `[1,2,3,7]` → `[[1,3],[7,7]]`.
    static func ranges(_ seqs: [Int64]) -> JSON {
        var ranges: [(Int64, Int64)] = []
        for seq in Set(seqs).sorted() {
            if let last = ranges.last, last.1 + 1 == seq {
                ranges[ranges.count - 1].1 = seq
            } else {
                ranges.append((seq, seq))
            }
        }
        return .array(ranges.map { .array([.integer($0.0), .integer($0.1)]) })
    }
}
