import Foundation
import HL7v2
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// HL7 v2 over MLLP into a running `vigil serve`, sent by Python's `hl7` package as a monitor's
/// gateway would.
@Suite(.serialized, .timeLimit(.minutes(5))) struct MLLPEndToEndTests {
    static let equipment = "080019FFFE0B4020"

    /// A server taking HL7 from facility WARD3 on loopback; patient p1 (MRN001) wears monitor mon1.
    static func server(mllpPort: Int = 0, senders: String = "WARD3@127.0.0.1/32,ICU@10.9.0.0/16", arguments: [String] = []) async throws -> (
        ServerProcess, admin: String
    ) {
        let server = try ServerProcess(arguments: ["--mllp", "127.0.0.1:\(mllpPort)", "--mllp-senders", senders] + arguments)
        try await server.start()
        let admin = try await server.token()
        _ = try await server.request(
            .PUT, "/fhir/Patient/p1", token: admin,
            json: ["resourceType": "Patient", "id": "p1", "identifier": [["system": "urn:mrn", "value": "MRN001"]]])
        _ = try await server.request(
            .PUT, "/fhir/Device/mon1", token: admin, json: ["resourceType": "Device", "id": "mon1", "identifier": [["value": .string(equipment)]]])
        return (server, admin)
    }

    /// A PCD-01 ORU^R01: heart rate and SpO2 measured now, segments one per line.
    static func message(
        _ control: String, facility: String = "WARD3", patient: String = "MRN001", equipment: String = equipment, type: String = "ORU^R01^ORU_R01",
        measured: String? = nil
    )
        -> String
    {
        let now = HL7Time.text(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)) + "+0000"
        let time = measured ?? now
        return """
            MSH|^~\\&|MONGW|\(facility)|VIGIL|VIGIL|\(now)||\(type)|\(control)|P|2.6|||NE|AL||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO
            PID|||\(patient)^^^Hospital^MR||Doe^John
            OBR|1|||182777000^monitoring of patient^SNOMED-CT|||\(now)
            OBX|1|NM|147842^MDC_ECG_HEART_RATE^MDC|1.1.1.1|80|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||F|||\(time)||||\(equipment)
            OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.2|97|262688^MDC_DIM_PERCENT^MDC|||||F|||\(time)||||\(equipment)
            """
    }

    /// Sends messages with `mllp_send` and returns what it printed (the ACKs).
    static func send(_ messages: [String], port: Int) async throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hl7-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try messages.joined(separator: "\n").write(toFile: file, atomically: false, encoding: .utf8)
        return try await Python.run("mllp_send", ["--loose", "--file", file, "--port", String(port), "127.0.0.1"]).output
    }

    static func heartRates(_ server: ServerProcess, admin: String) async throws -> Int {
        let search = try await server.request(.GET, "/fhir/Observation?patient=p1&code=8867-4&_count=0", token: admin)
        return Int(try #require(search.json?["total"]?.int64Value))
    }

    @Test func messagesFromMLLPSendComeBackAAAndBecomeObservationsOnce() async throws {
        let (server, admin) = try await Self.server()
        let acks = try await Self.send([Self.message("M1"), Self.message("M2")], port: server.mllpPort)
        #expect(acks.contains("MSA|AA|M1") && acks.contains("MSA|AA|M2"), "\(acks)")
        #expect(try await Self.heartRates(server, admin: admin) == 2)
        let observations = try await server.request(.GET, "/fhir/Observation?patient=p1&code=59408-5", token: admin)
        #expect(observations.text.contains("Device/mon1"))
        #expect(observations.json?["entry"]?[0]?["resource"]?["valueQuantity"]?["unit"] == "%")

        // Resent (same MSH-10 from the same sender): acknowledged, not stored twice.
        #expect(try await Self.send([Self.message("M1")], port: server.mllpPort).contains("MSA|AA|M1"))
        #expect(try await Self.heartRates(server, admin: admin) == 2)
    }

    /// Identifiers are looked up once and kept (one look-up per message is most of a small
    /// message's cost), and forgotten with the commit that changes a Patient or Device: a
    /// corrected MRN counts from the next message.
    @Test func anIdentifierThatMovesToAnotherPatientCountsFromTheNextMessage() async throws {
        let (server, admin) = try await Self.server()
        #expect(try await Self.send([Self.message("K1")], port: server.mllpPort).contains("MSA|AA|K1"))
        _ = try await server.request(.PUT, "/fhir/Patient/p1", token: admin, json: ["resourceType": "Patient", "id": "p1"])
        _ = try await server.request(
            .PUT, "/fhir/Patient/p2", token: admin, json: ["resourceType": "Patient", "id": "p2", "identifier": [["value": "MRN001"]]])
        #expect(try await Self.send([Self.message("K2")], port: server.mllpPort).contains("MSA|AA|K2"))
        #expect(try await Self.heartRates(server, admin: admin) == 1)
        let moved = try await server.request(.GET, "/fhir/Observation?patient=p2&code=8867-4&_count=0", token: admin)
        #expect(moved.json?["total"] == 1, "\(moved.text)")
    }

    /// As many gateways send PCD-01: the monitor named once, on its device (MDS) row, and its
    /// metrics under it with no OBX-18 of their own.
    @Test func aMonitorNamedOnlyOnItsDeviceRowHasEveryReadingStored() async throws {
        let (server, admin) = try await Self.server()
        let lines = Self.message("D1").split(separator: "\n").map { line in
            line.hasPrefix("OBX") ? String(line.dropLast(Self.equipment.count)) : String(line)
        }
        let mds = "OBX|3||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||\(Self.equipment)^B40_GE"
        let reply = try await Self.send([(lines.prefix(3) + [mds] + lines.dropFirst(3)).joined(separator: "\n")], port: server.mllpPort)
        #expect(reply.contains("MSA|AA|D1"), "\(reply)")
        #expect(try await Self.heartRates(server, admin: admin) == 1)
        let saturation = try await server.request(.GET, "/fhir/Observation?patient=p1&code=59408-5&_count=0", token: admin)
        #expect(saturation.json?["total"] == 1, "\(saturation.text)")
    }

    /// A monitor whose clock says 9999: its readings are quarantined with the reason and the
    /// message answered AE, so that they never stand as the patient's latest values.
    @Test func readingsTimedInTheFutureAreQuarantinedWithAnAE() async throws {
        let (server, admin) = try await Self.server()
        let reply = try await Self.send([Self.message("F1", measured: "99991231235959")], port: server.mllpPort)
        #expect(reply.contains("MSA|AE|F1") && reply.contains("ahead of the server's clock"), "\(reply)")
        #expect(try await Self.heartRates(server, admin: admin) == 0)
        let quarantine = try await server.request(.GET, "/api/quarantine?device=mon1", token: admin)
        #expect(quarantine.json?["quarantine"]?.arrayValue?.count == 2, "\(quarantine.text)")
    }

    /// A monitor that writes its local time without an offset: read in its facility's zone, it
    /// lands at the right instant (read as UTC, Tokyo's readings would stand 9 hours ahead).
    @Test func aLocalTimeIsReadInTheSendingFacilitysZone() async throws {
        let (server, admin) = try await Self.server(senders: "WARD3@127.0.0.1/32@Asia/Tokyo")
        let instant = (Int64(Date().timeIntervalSince1970) - 600) * 1000
        let tokyo = HL7Time.text(milliseconds: instant + 9 * 3_600_000)
        let reply = try await Self.send([Self.message("Z1", measured: tokyo)], port: server.mllpPort)
        #expect(reply.contains("MSA|AA|Z1"), "\(reply)")
        let stored = try await server.request(.GET, "/fhir/Observation?patient=p1&code=8867-4", token: admin)
        #expect(
            stored.json?["entry"]?[0]?["resource"]?["effectiveDateTime"]?.stringValue == FHIRDateTime.instant(milliseconds: instant), "\(stored.text)"
        )
        #expect(server.stop() == 0)
    }

    /// The same MRN in two hospitals' numbering: PID-3.4 says whose, and the configured system
    /// picks the one patient; an authority nobody configured matches nobody.
    @Test func thePatientIsMatchedInTheSystemOfItsAssigningAuthority() async throws {
        let (server, admin) = try await Self.server(arguments: ["--mllp-authorities", "Hospital=urn:mrn"])
        _ = try await server.request(
            .PUT, "/fhir/Patient/p9", token: admin,
            json: ["resourceType": "Patient", "id": "p9", "identifier": [["system": "urn:other", "value": "MRN001"]]])
        let reply = try await Self.send(
            [Self.message("A1"), Self.message("A2").replacingOccurrences(of: "^^^Hospital^MR", with: "^^^Elsewhere^MR")], port: server.mllpPort)
        #expect(reply.contains("MSA|AA|A1"), "\(reply)")
        #expect(reply.contains("MSA|AE|A2") && reply.contains("ERR||PID^^3|204") && reply.contains("'Elsewhere'"), "\(reply)")
        #expect(try await Self.heartRates(server, admin: admin) == 1)
    }

    @Test func unknownPatientsAndDevicesAreQuarantinedAndSendersNotAllowedAreRejected() async throws {
        let (server, admin) = try await Self.server()
        let replies = try await Self.send(
            [
                Self.message("U1", patient: "MRN999"), Self.message("U2", equipment: "UNKNOWN-MONITOR"), Self.message("R1", facility: "ICU"),
                Self.message("R2", facility: "ELSEWHERE"), Self.message("R3", type: "ORM^O01^ORM_O01"),
            ], port: server.mllpPort)
        #expect(replies.contains("MSA|AE|U1") && replies.contains("no Patient has the identifier PID-3 'MRN001'") == false)
        #expect(replies.contains("no Patient has the identifier PID-3 'MRN999'"), "\(replies)")
        #expect(replies.contains("MSA|AE|U2") && replies.contains("no Device has the identifier OBX-18 'UNKNOWN-MONITOR'"))
        // ERR says what was wrong and where: an unknown key, a facility not in the table, a message type not taken.
        #expect(replies.contains("ERR||PID^^3|204^Unknown key identifier^HL70357|E"), "\(replies)")
        #expect(replies.contains("ERR||OBX^1^18|204^Unknown key identifier^HL70357|E") && replies.contains("ERR||OBX^2^18|204"))
        #expect(replies.contains("ERR||MSH^^4|103^Table value not found^HL70357|E"))
        #expect(replies.contains("ERR||MSH^^9|200^Unsupported message type^HL70357|E"))
        #expect(!replies.contains("|207^"), "207 is for Vigil's own failures only")
        // ICU may send only from its own network, ELSEWHERE not at all; an order is not for Vigil.
        for control in ["R1", "R2", "R3"] { #expect(replies.contains("MSA|AR|\(control)"), "\(control): \(replies)") }
        #expect(try await Self.heartRates(server, admin: admin) == 0)
        let quarantine = try await server.request(.GET, "/api/quarantine?device=hl7", token: admin)
        let reasons = quarantine.json?["quarantine"]?.arrayValue?.compactMap { $0["reason"]?.stringValue } ?? []
        #expect(reasons.contains { $0.contains("MRN999") } && reasons.contains { $0.contains("UNKNOWN-MONITOR") }, "\(quarantine.text)")
        #expect(quarantine.json?["quarantine"]?[0]?["source"] == "hl7")
    }

    @Test func withACertificateMLLPRunsOverTLS() async throws {
        let tls = try TLSTests.certificate()
        defer { withExtendedLifetime(tls.folder) {} }
        let server = try ServerProcess(
            tls: (tls.certificate, tls.key), arguments: ["--mllp", "127.0.0.1:0", "--mllp-senders", "WARD3@127.0.0.1/32"])
        try await server.start()
        defer { server.stop() }
        #expect(server.output.contains("Vigil takes HL7 v2 on mllps://"))
        let admin = try await server.token()
        _ = try await server.request(
            .PUT, "/fhir/Patient/p1", token: admin, json: ["resourceType": "Patient", "id": "p1", "identifier": [["value": "MRN001"]]])
        _ = try await server.request(
            .PUT, "/fhir/Device/mon1", token: admin,
            json: ["resourceType": "Device", "id": "mon1", "identifier": [["value": .string(Self.equipment)]]])
        // One MLLP frame over TLS (and, for contrast, in the clear), with Python's ssl module.
        let send = """
            import socket, ssl, sys
            port, secure, message = int(sys.argv[1]), sys.argv[2] == "tls", sys.argv[3].replace("\\n", "\\r")
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            if secure:
                context = ssl.create_default_context(); context.check_hostname = False; context.verify_mode = ssl.CERT_NONE
                connection = context.wrap_socket(connection)
            connection.sendall(b"\\x0b" + message.encode() + b"\\x1c\\r")
            try:
                print(connection.recv(65536).decode(errors="replace"))
            except Exception as error:
                print("failed:", error)
            """
        let message = Self.message("T1")
        let secure = try await Python.run("python3", ["-c", send, String(server.mllpPort), "tls", message])
        #expect(secure.output.contains("MSA|AA|T1"), "\(secure.output)")
        let clear = try await Python.run("python3", ["-c", send, String(server.mllpPort), "plain", message])
        #expect(!clear.output.contains("MSA|AA"), "\(clear.output)")
        #expect(try await Self.heartRates(server, admin: admin) == 1)
    }

    @Test func killingTheServerDuringIngestLosesNothingAcknowledged() async throws {
        let port = try Loopback.freePort()
        let (server, admin) = try await Self.server(mllpPort: port)
        let count = 120
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mllp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let messages = directory + "/messages.txt"
        let acked = directory + "/acked.txt"
        try (0..<count).map { Self.message("K\($0)") }.joined(separator: "\n\n").write(toFile: messages, atomically: false, encoding: .utf8)
        let gateway = try Python.start("mllp_resend.py", ["127.0.0.1", String(port), messages, acked])
        // Kill the server once a third of the messages are acknowledged, then start it again.
        while ((try? String(contentsOfFile: acked, encoding: .utf8))?.split(separator: "\n").count ?? 0) < count / 3 {
            guard gateway.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(server.stop(SIGKILL) != 0)
        try await server.start()
        #expect(gateway.wait(timeout: .seconds(300)) == 0)
        let acknowledged = Set(try String(contentsOfFile: acked, encoding: .utf8).split(separator: "\n"))
        #expect(acknowledged.count == count)
        #expect(try await Self.heartRates(server, admin: admin) == count, "every acknowledged message stored once")
    }
}
