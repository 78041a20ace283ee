/// The Prometheus text of a server's `/metrics`, read by benchmarks and tests.
public enum MetricsText {
    /// The value of the unlabelled sample `name` (`vigil_mqtt_connected 1`), or nil when absent.
    public static func value(_ name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }
}
