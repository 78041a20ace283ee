import VigilCore

/// The messages of the `/api/stream` protocol besides events (docs/clinical.md, "The event stream").
///
/// The client's first message authenticates: `{"type":"auth","token":"…","lastEventId":N}`
/// (`lastEventId` optional, to resume after a reconnect), or, from the dashboard,
/// `{"type":"auth","session":true}` with the session cookie on the upgrade request. It may send `auth` again with a fresh
/// token before the current one expires. The server answers with `ready` or `reset`, then sends
/// events (`{"id","type","patient","data"}`); `gap` when the client fell behind and events were
/// dropped, `expired` or `error` before it closes.
enum StreamMessage {
    /// What the client sent.
    enum Inbound: Equatable {
        case auth(token: String, lastEventID: Int64?)
        /// `{"type":"auth","session":true}`: the dashboard's session cookie, sent with the upgrade, authenticates.
        case session(lastEventID: Int64?)
    }

    /// Reads a client message.
    /// - Throws: ``VigilError`` (400) for anything but an `auth` message.
    static func parse(_ text: String) throws -> Inbound {
        guard let json = try? JSON.parse(text), case .object = json else { throw VigilError(.invalid, "send a JSON object") }
        guard json["type"]?.stringValue == "auth" else { throw VigilError(.invalid, "the stream accepts only {\"type\":\"auth\",\"token\":…}") }
        var lastEventID: Int64?
        if let value = json["lastEventId"], value != .null {
            guard let id = value.int64Value ?? value.stringValue.flatMap({ Int64($0) }) else {
                throw VigilError(.invalid, "lastEventId is the id of the last event received")
            }
            lastEventID = id
        }
        if json["session"]?.boolValue == true { return .session(lastEventID: lastEventID) }
        guard let token = json["token"]?.stringValue, !token.isEmpty else { throw VigilError(.invalid, "auth needs a token") }
        return .auth(token: token, lastEventID: lastEventID)
    }

    /// The stream is live: events after `eventID` follow.
    static func ready(eventID: Int64, user: String, patients: Int?) -> String {
        var object: JSONObject = ["type": "ready", "eventId": .integer(eventID), "user": .string(user)]
        if let patients { object["patients"] = .integer(patients) }
        return JSON.object(object).text
    }

    /// The events after the client's last id are no longer kept: reload, then follow from `eventID`.
    static func reset(eventID: Int64) -> String { JSON.object(["type": "reset", "eventId": .integer(eventID)]).text }

    /// Events were dropped because the client read too slowly: reload.
    static let gap = #"{"type":"gap"}"#

    /// The token expired or the account was disabled; the server closes.
    static let expired = #"{"type":"expired"}"#

    static func error(_ message: String) -> String { JSON.object(["type": "error", "message": .string(message)]).text }
}
