import Foundation
import VigilCore
import VigilSQLite

/// The store's own ceiling: the same rows, in the same schema, written straight into a fresh
/// store in large transactions, with no HTTP, JSON or validation in the way.
enum StoreCeiling {
    struct NoSeal: AuditSealer {
        func seal(previous: [UInt8], seq: Int64, event: AuditEvent) -> [UInt8] { previous }
    }

    /// Readings per second.
    static func measure(devices: Int, readings: Int, transactionRows: Int, batchSize: Int) async throws -> Double {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var fleet: [ResourceWrite] = []
        for n in 0..<devices {
            fleet.append(
                ResourcePreparation.write(
                    ["resourceType": "Patient"], type: .patient, id: BenchFleet.patientID(n), version: 1, lastUpdated: 0, mode: .create))
            fleet.append(
                ResourcePreparation.write(
                    ["resourceType": "Device", "patient": ["reference": .string("Patient/\(BenchFleet.patientID(n))")]],
                    type: .device, id: BenchFleet.deviceID(n), version: 1, lastUpdated: 0, mode: .create
                ))
        }
        _ = try await store.apply([Change(.resources(fleet))], sealer: NoSeal())
        let now = Int64(Date().timeIntervalSince1970) * 1000
        // Same rows as the load: batch b goes to device b % devices with consecutive seqs.
        func row(_ index: Int) -> Reading {
            let batch = index / batchSize, i = index % batchSize
            let device = batch % devices
            let seq = (batch / devices) * batchSize + i
            let vital = BenchVitals.reading(seq, phase: device)
            return Reading(
                key: ProducerKey(device: BenchFleet.deviceID(device), boot: ProducerKey.defaultBoot, seq: Int64(seq)),
                patient: BenchFleet.patientID(device), code: vital.code, value: vital.value, unit: vital.unit,
                time: now - Int64(batchSize - i) * 1000, received: now
            )
        }
        var elapsed = Duration.zero
        for start in stride(from: 0, to: readings, by: transactionRows) {
            let rows = (start..<min(start + transactionRows, readings)).map(row)
            let began = ContinuousClock.now
            _ = try await store.apply([Change(.readings(IngestCommit(readings: rows)))], sealer: NoSeal())
            elapsed += ContinuousClock.now - began
        }
        let seconds = elapsed.seconds
        return Double(readings) / max(seconds, 1e-9)
    }
}
