import Foundation
import Testing
import VigilCore

@testable import VigilServer

@Suite struct BrokerFilesTests {
    @Test func pbkdf2MatchesKnownVectors() {
        // PBKDF2-HMAC-SHA512, P = "password", S = "salt" (as computed by Python's hashlib).
        let one = MosquittoPasswordHash.pbkdf2SHA512(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 1)
        #expect(one.hex.hasPrefix("867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252"))
        let two = MosquittoPasswordHash.pbkdf2SHA512(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 2)
        #expect(two.hex.hasPrefix("e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53c"))
    }

    @Test func hashesAreInMosquittosFormatAndVerify() {
        let hash = MosquittoPasswordHash.make(password: "vigil_dev_abc", salt: Array(0..<12))
        #expect(
            hash == "$7$101$AAECAwQFBgcICQoL$au8NbKXOihrjbCWSpPMd5TUuSwrNc3dYZ2gw6Crpjbv7aJ0xNKpheFDdpzuT1I8ZrDn2pjXUxu0xK93jIUqopA==")
        let fresh = MosquittoPasswordHash.make(password: "secret")
        #expect(fresh != MosquittoPasswordHash.make(password: "secret"), "every hash has its own salt")
        #expect(MosquittoPasswordHash.verify(password: "secret", hash: fresh))
        #expect(!MosquittoPasswordHash.verify(password: "secreT", hash: fresh))
        #expect(!MosquittoPasswordHash.verify(password: "secret", hash: "$6$bad"))
    }

    @Test func thePasswordFileHoldsTheServerAndDevicesWithABrokerHash() {
        let text = BrokerFiles.passwords(
            server: "$7$101$s$h",
            devices: [
                DeviceBrokerAccount(device: "oximeter-1", passwordHash: "$7$101$a$b"), DeviceBrokerAccount(device: "old", passwordHash: nil),
                DeviceBrokerAccount(device: BrokerFiles.serverUsername, passwordHash: "$7$101$x$y"),
            ])
        #expect(text == "vigil-server:$7$101$s$h\noximeter-1:$7$101$a$b\n")
    }

    @Test func theACLConfinesDevicesToTheirOwnTopics() {
        let lines = BrokerFiles.acl.split(separator: "\n").map(String.init)
        #expect(lines.contains("pattern write vigil/devices/%u/readings"))
        #expect(lines.contains("pattern read vigil/devices/%u/ack"))
        #expect(lines.contains("pattern read vigil/devices/%u/commands"))
        #expect(!lines.contains { $0.hasPrefix("topic") && !$0.hasPrefix("topic read") && !$0.hasPrefix("topic write") })
        // Nothing but the server may read every device's readings.
        let serverSection = lines.drop { $0 != "user vigil-server" }
        #expect(serverSection.contains("topic read $share/vigil/vigil/devices/+/readings"))
    }

    @Test func filesAreWrittenForTheOwnerOnly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("broker-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var files = BrokerFiles(directory: directory)
        files.listenPort = 18830
        try files.write(serverHash: "$7$101$s$h", devices: [DeviceBrokerAccount(device: "d1", passwordHash: "$7$101$a$b")])
        try files.write(serverHash: "$7$101$s$h", devices: [])
        #expect(try String(contentsOfFile: files.passwordFile, encoding: .utf8) == "vigil-server:$7$101$s$h\n")
        let configuration = try String(contentsOfFile: files.configurationFile, encoding: .utf8)
        #expect(configuration.contains("listener 18830 127.0.0.1") && configuration.contains("allow_anonymous false"))
        #expect(configuration.contains("\nset_tcp_nodelay true\n"), "small messages are not held for a delayed ACK")
        // The broker refuses what the server could not read whole.
        let limit = configuration.split(separator: "\n").first { $0.hasPrefix("max_packet_size ") }.flatMap { Int($0.split(separator: " ")[1]) }
        #expect(try #require(limit) < BrokerFiles.mqttPacketLimit(IngestLimits()))
        #expect(try #require(limit) > IngestLimits().maxBodyBytes)
        let mode = try FileManager.default.attributesOfItem(atPath: files.passwordFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!files.signalReload(), "no broker runs from this directory")
        // The operator's own settings (a TLS listener for devices on the network) live in conf.d,
        // which Vigil includes and never rewrites.
        #expect(configuration.contains("include_dir \(files.directory)/conf.d"))
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: files.directory + "/conf.d", isDirectory: &isDirectory) && isDirectory.boolValue)
        try "listener 8883\n".write(toFile: files.directory + "/conf.d/tls.conf", atomically: false, encoding: .utf8)
        try files.write(serverHash: "$7$101$s$h", devices: [])
        #expect(try String(contentsOfFile: files.directory + "/conf.d/tls.conf", encoding: .utf8) == "listener 8883\n")
    }

    @Test func acknowledgementsListTheSeqsAsRanges() {
        #expect(DeviceAcknowledgement.ranges([7, 1, 3, 2, 3, 9, 8]).text == "[[1,3],[7,9]]")
        #expect(DeviceAcknowledgement.ranges([]).text == "[]")
        var result = IngestHandler.Result()
        result.accepted = 2
        result.duplicates = 1
        let json = DeviceAcknowledgement.json(result, seqs: [5, 6, 4])
        #expect(json["accepted"] == 2 && json["duplicates"] == 1 && json["seqs"]?.text == "[[4,6]]")
    }

    @Test func readingsAndAnswerTopicsNameTheirDevice() {
        #expect(DevicePublisher.device(topic: "vigil/devices/ox-1/readings", .readings) == "ox-1")
        #expect(DevicePublisher.device(topic: "$share/vigil/vigil/devices/ox-1/readings", .readings) == "ox-1")
        #expect(DevicePublisher.device(topic: "$share/vigil/vigil/devices/pump-1/commands/ack", .commandAnswers) == "pump-1")
        for topic in ["vigil/devices/ox-1/ack", "vigil/devices//readings", "vigil/devices/a/b/readings", "other/devices/x/readings"] {
            #expect(DevicePublisher.device(topic: topic, .readings) == nil, "\(topic)")
        }
        for topic in ["vigil/devices/pump-1/commands", "vigil/devices/pump-1/ack", "vigil/devices//commands/ack", "vigil/devices/pump-1/readings"] {
            #expect(DevicePublisher.device(topic: topic, .commandAnswers) == nil, "\(topic)")
        }
    }
}

extension [UInt8] {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
