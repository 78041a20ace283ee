/// A device that may connect to the MQTT broker: it has an active credential, and the broker
/// password hash (Mosquitto's format) of its newest one, when that was kept at issue.
public struct DeviceBrokerAccount: Sendable, Equatable {
    /// The Device's FHIR id, which is its MQTT username.
    public var device: String
    /// The Mosquitto password-file hash of the device's newest active token; nil for a credential
    /// issued before Vigil kept broker hashes (the device then works over HTTPS only).
    public var passwordHash: String?

    public init(device: String, passwordHash: String?) {
        (self.device, self.passwordHash) = (device, passwordHash)
    }
}
