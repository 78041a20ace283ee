import Metrics
public import Prometheus
import Synchronization

/// The server's metrics, in one Prometheus registry per process, served at `/metrics`.
///
/// HTTP requests by route pattern, method and status, and their durations, are recorded by
/// ``HTTPMetricsMiddleware``; other libraries' swift-metrics go to the same registry, bootstrapped
/// once per process.
public final class VigilMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// Readings stored (not duplicates).
    let readingsStored: Prometheus.Counter
    /// Readings that were duplicates of stored ones.
    let readingsDuplicate: Prometheus.Counter
    /// Readings rejected and quarantined.
    let readingsRejected: Prometheus.Counter
    /// Group commits and their duration.
    let commitDuration: DurationHistogram
    /// Readings per group commit.
    let commitSize: ValueHistogram
    /// Readings and events waiting for the writer.
    let queueDepth: Prometheus.Gauge
    /// Requests turned away because the queue was full.
    let queueRejections: Prometheus.Counter
    /// Time the analysis spent on each input: a group commit (rules, scores, alerts), an entered
    /// observation, a record change, a tick.
    let analysisDuration: DurationHistogram
    /// Readings committed but not yet analysed.
    let analysisBacklog: Prometheus.Gauge
    /// 1 while connected to the MQTT broker and subscribed to the devices' readings.
    let mqttConnected: Prometheus.Gauge
    /// Broker connections lost or not opened (each reconnect attempt that failed counts).
    let mqttDisconnects: Prometheus.Counter
    /// HL7 messages answered, by acknowledgement code (AA, AE, AR).
    let hl7Messages: [String: Prometheus.Counter]

    /// The process's metrics.
    public static let shared = VigilMetrics(registry: bootstrapRegistry())

    private static func bootstrapRegistry() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        func counter(_ name: String, _ help: String) -> Prometheus.Counter {
            registry.makeCounter(descriptor: .init(namespace: "vigil", metricName: name, unitName: "total", helpText: help))
        }
        readingsStored = counter("readings_stored", "Readings durably stored")
        readingsDuplicate = counter("readings_duplicate", "Readings acknowledged as duplicates of stored ones")
        readingsRejected = counter("readings_rejected", "Readings rejected and quarantined")
        queueRejections = counter("ingest_queue_rejections", "Ingest requests refused because the write queue was full")
        mqttDisconnects = counter("mqtt_disconnects", "Connections to the MQTT broker lost, or attempts to open one that failed")
        let durations = Self.durationBuckets
        commitDuration = registry.makeDurationHistogram(
            descriptor: .init(namespace: "vigil", metricName: "commit_duration", unitName: "seconds", helpText: "Duration of group commits"),
            buckets: durations)
        analysisDuration = registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "vigil", metricName: "analysis_duration", unitName: "seconds", helpText: "Time the analysis took on each input"),
            buckets: durations)
        analysisBacklog = registry.makeGauge(
            descriptor: .init(
                namespace: "vigil", metricName: "analysis_backlog", unitName: "readings", helpText: "Readings committed and not yet analysed"))
        commitSize = registry.makeValueHistogram(
            descriptor: .init(namespace: "vigil", metricName: "commit_size", unitName: "readings", helpText: "Readings per group commit"),
            buckets: [1, 10, 100, 1000, 5000, 10_000, 25_000, 50_000]
        )
        mqttConnected = registry.makeGauge(
            descriptor: .init(
                namespace: "vigil", metricName: "mqtt_connected", unitName: "",
                helpText: "Whether the server is connected to the MQTT broker and subscribed (1) or not (0)"))
        hl7Messages = Dictionary(
            uniqueKeysWithValues: ["AA", "AE", "AR"].map { code in
                (
                    code,
                    registry.makeCounter(
                        descriptor: .init(
                            namespace: "vigil", metricName: "hl7_messages", unitName: "total",
                            helpText: "HL7 messages answered over MLLP, by acknowledgement code"), labels: [("ack", code)])
                )
            })
        queueDepth = registry.makeGauge(
            descriptor: .init(
                namespace: "vigil", metricName: "ingest_queue_depth", unitName: "items", helpText: "Readings and audit events waiting for the writer")
        )
    }

    /// The buckets of every duration histogram, 1 ms to 2 s.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
    ]

    private static var httpRequests: MetricNameDescriptor {
        .init(
            namespace: "vigil", metricName: "http_requests", unitName: "total",
            helpText: "HTTP requests answered, by route pattern, method and status")
    }
    private static var httpDuration: MetricNameDescriptor {
        .init(
            namespace: "vigil", metricName: "http_request_duration", unitName: "seconds",
            helpText: "Time from a request's head to its answer, by route pattern, method and status")
    }

    /// One series of the HTTP metrics.
    private struct HTTPSeries: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    /// The HTTP series made so far: the registry's own look-up builds its label text on every call
    /// (6 % of a trivial request's time).
    private let httpSeries = Mutex<[HTTPSeries: (Prometheus.Counter, DurationHistogram)]>([:])

    private static let httpMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// One HTTP request answered: counted by route pattern, method and status, and timed. A
    /// method HTTP does not define is `OTHER`, so that nobody can make series without end.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = HTTPSeries(route: route, method: Self.httpMethods.contains(method) ? method : "OTHER", status: status)
        let series =
            httpSeries.withLock { $0[key] }
            ?? {
                let labels = [("route", key.route), ("method", key.method), ("status", String(status))]
                let made = (
                    registry.makeCounter(descriptor: Self.httpRequests, labels: labels),
                    registry.makeDurationHistogram(descriptor: Self.httpDuration, labels: labels, buckets: Self.durationBuckets)
                )
                httpSeries.withLock { $0[key] = made }
                return made
            }()
        series.0.increment()
        series.1.record(duration)
    }

    func recordCommit(readings: Int, stored: Int, duration: Duration) {
        commitDuration.record(duration)
        commitSize.record(Double(readings))
        readingsStored.increment(by: Int64(stored))
        readingsDuplicate.increment(by: Int64(readings - stored))
    }

    func recordQueueDepth(_ depth: Int) { queueDepth.record(Double(depth)) }
    func recordAnalysis(duration: Duration, backlog: Int) {
        analysisDuration.record(duration)
        analysisBacklog.record(Double(backlog))
    }
    func recordQueueFull() { queueRejections.increment() }
    func recordRejected(_ count: Int) { readingsRejected.increment(by: Int64(count)) }
    func recordMQTTConnection(_ connected: Bool) {
        mqttConnected.set(Int64(connected ? 1 : 0))
        if !connected { mqttDisconnects.increment() }
    }
    func recordHL7(ack code: String) { hl7Messages[code]?.increment() }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String { registry.emitToString() }
}
