import NIOHTTP1
import VigilCore

/// A device that posts its readings to `POST /api/ingest` with its own token.
struct HTTPSLink: DeviceLink {
    let client: JSONClient
    let token: String
    let boot: String

    func send(_ readings: [SimulatedReading]) async -> Receipt {
        guard !readings.isEmpty else { return .none }
        guard let reply = try? await client.request(.POST, "/api/ingest", token: token, json: IngestBatch.json(readings, boot: boot)),
            reply.status == .ok, let answer = reply.json
        else { return .failure }
        return Receipt(answer: answer, sent: readings.map(\.seq))
    }
}

/// The body of `POST /api/ingest` and of an MQTT readings message.
enum IngestBatch {
    static func json(_ readings: [SimulatedReading], boot: String) -> JSON {
        [
            "readings": .array(
                readings.map { reading in
                    var item: JSONObject = [
                        "seq": .integer(reading.seq), "boot": .string(boot), "time": .string(FHIRDateTime.instant(milliseconds: reading.time)),
                    ]
                    if let place = reading.place {
                        item["place"] = .string("Location/\(place)")
                    } else {
                        (item["code"], item["value"], item["unit"]) = (.string(reading.code), .double(reading.value), .string(reading.unit))
                    }
                    return .object(item)
                })
        ]
    }
}
