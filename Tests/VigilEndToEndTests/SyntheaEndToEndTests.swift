import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VigilCore
import VigilSimulator

/// The ten Synthea R4 patient bundles in `Tests/Data/synthea`, sent with `POST /fhir` exactly as
/// Synthea wrote them: every entry stored, every reference in what was stored resolves on this
/// server, and every answer is valid for Python's `fhir.resources`.
@Suite(.serialized, .timeLimit(.minutes(5))) struct SyntheaEndToEndTests {
    static let bundles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data/synthea")

    @Test func theTenSyntheaBundlesLoadUnchangedWithEveryReferenceResolved() async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.bundles.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count == 10)
        let server = try ServerProcess()
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-synthea-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: output.path) }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var stored: [JSON] = []
        var sent = 0
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: Self.bundles.appendingPathComponent(file)))
            sent += try JSON.parse(bytes)["entry"]?.arrayValue?.count ?? 0
            let reply = try await server.request(.POST, "/fhir", token: admin, body: bytes, timeout: .seconds(120))
            #expect(reply.status == .ok, "\(file): \(reply.text.prefix(2000))")
            let entries = reply.json?["entry"]?.arrayValue ?? []
            #expect(entries.allSatisfy { $0["response"]?["status"] == "201 Created" }, "\(file)")
            stored += entries.compactMap { $0["resource"] }
            try reply.text.write(to: output.appendingPathComponent(file), atomically: false, encoding: .utf8)
        }
        #expect(sent == 2001 && stored.count == sent)
        // Every reference of every stored resource names a resource this server serves, or one
        // contained in it (Synthea's ExplanationOfBenefit holds its Coverage and referral).
        var targets: Set<String> = []
        for resource in stored {
            let contained = Set((resource["contained"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue.map { "#" + $0 } })
            for (path, text) in FHIRReference.literals(in: resource, path: resource["resourceType"]?.stringValue ?? "") {
                if text.hasPrefix("#") {
                    #expect(contained.contains(text), "\(path): \(text)")
                } else {
                    #expect(FHIRReference(text) != nil && !text.contains(":"), "\(path): \(text)")
                    targets.insert(text)
                }
            }
        }
        #expect(targets.count > 300)
        for target in targets.sorted() {
            let read = try await server.request(.GET, "/fhir/\(target)", token: admin)
            #expect(read.status == .ok, "\(target): \(read.status)")
        }
        let patients = try await server.request(.GET, "/fhir/Patient?_count=50&_total=accurate", token: admin)
        #expect(patients.json?["total"] == 10)
        try patients.text.write(to: output.appendingPathComponent("patients.json"), atomically: false, encoding: .utf8)
        let validation = try await Python.run("validate_fhir.py", [output.path])
        #expect(validation.status == 0, "\(validation.output.suffix(3000))")
        #expect(validation.output.contains("11 documents, 0 invalid"), "\(validation.output.suffix(3000))")

        // A Bulk Data client exports them all, each resource valid for fhir.resources.
        let exported = output.appendingPathComponent("export").path
        let export = try await Python.run(
            "bulk_export.py", [server.baseURL, "admin", ServerProcess.adminPassword, "/fhir/$export", exported])
        #expect(export.status == 0 && export.output.contains("delete answered 202"), "\(export.output)")
        let count = try FileManager.default.contentsOfDirectory(atPath: exported).count
        #expect(count == stored.count && export.output.contains("\(count) resources"), "\(export.output)")
        let exportValidation = try await Python.run("validate_fhir.py", [exported])
        #expect(exportValidation.output.contains("\(count) documents, 0 invalid"), "\(exportValidation.output.suffix(3000))")
    }
}
