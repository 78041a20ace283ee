import Foundation
import HL7v2
import Testing
import VigilCore

@testable import VigilServer

@Suite struct TransportConfigurationTests {
    @Test func mqttURLs() throws {
        #expect(try MQTTEndpoint(url: "mqtt://broker.local:1884") == MQTTEndpoint(host: "broker.local", port: 1884))
        #expect(try MQTTEndpoint(url: "mqtt://broker.local") == MQTTEndpoint(host: "broker.local", port: 1883))
        #expect(try MQTTEndpoint(url: "mqtts://broker.local") == MQTTEndpoint(host: "broker.local", port: 8883, tls: true))
        #expect(
            try MQTTEndpoint(url: "mqtt://vigil:p%40ss:word@[::1]:1883/")
                == MQTTEndpoint(host: "::1", port: 1883, username: "vigil", password: "p@ss:word"))
        for bad in ["broker:1883", "http://broker:1883", "mqtt://:pw@broker:1883", "mqtt://broker:99999", "mqtt://broker:1883/topic"] {
            #expect(throws: VigilError.self, "\(bad)") { try MQTTEndpoint(url: bad) }
        }
        let error = #expect(throws: VigilError.self) { try MQTTEndpoint(url: "mqtt://u:secret@broker:1883/x") }
        #expect(error?.message.contains("secret") == false, "credentials never appear in errors")
    }

    @Test func noDescriptionOfTheConfigurationShowsASecret() throws {
        var configuration = VigilConfiguration()
        configuration.mqtt = try MQTTEndpoint(url: "mqtt://vigil:broker-secret@broker:1883")
        configuration.adminPassword = "admin-secret"
        configuration.postgres = "postgres://vigil:database-secret@db/vigil"
        #expect(configuration.mqtt?.password?.value == "broker-secret")
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [String(describing: configuration), String(reflecting: configuration), "\(configuration.mqtt!)", dumped] {
            #expect(!["broker-secret", "admin-secret", "database-secret"].contains { text.contains($0) }, "\(text)")
            #expect(text.contains("<redacted>") || text.contains("Secret"))
        }
    }

    @Test func networksMatchTheirAddresses() throws {
        let ward = try IPNetwork("10.1.0.0/16")
        #expect(ward.contains("10.1.200.3") && !ward.contains("10.2.0.1") && !ward.contains("::1"))
        #expect(ward.contains("::ffff:10.1.0.9"), "IPv4-mapped IPv6 counts as IPv4")
        let host = try IPNetwork("127.0.0.1")
        #expect(host.contains("127.0.0.1") && !host.contains("127.0.0.2"))
        let local = try IPNetwork("fd00::/8")
        #expect(local.contains("fd12::1") && !local.contains("fe80::1"))
        #expect(try IPNetwork("0.0.0.0/0").contains("192.0.2.1"))
        #expect(try IPNetwork("10.1.0.0/16").description == "10.1.0.0/16")
        for bad in ["10.1.0.0/33", "hospital", "10.1.0.0/x", "::1/129"] {
            #expect(throws: VigilError.self, "\(bad)") { try IPNetwork(bad) }
        }
    }

    @Test func mllpSendersPairAFacilityWithANetwork() throws {
        let sender = try MLLPSender("ICU-GW@10.1.0.0/16")
        let network = try IPNetwork("10.1.0.0/16")
        #expect(sender.facility == "ICU-GW" && sender.network == network)
        for bad in ["ICU-GW", "@10.0.0.0/8", "ICU@nowhere", "ICU@10.0.0.0/8@Mars/Olympus", "ICU@10.0.0.0/8@Europe/London@x"] {
            #expect(throws: VigilError.self, "\(bad)") { try MLLPSender(bad) }
        }
    }

    /// A sender's local times follow its zone's daylight saving: 08:30 in London is 08:30 UTC in
    /// January and 07:30 UTC in July.
    @Test func aSendersZoneGivesItsOffsetAcrossDaylightSaving() throws {
        let london = try MLLPSender("WARD@10.0.0.0/8@Europe/London")
        #expect(london.timeZone.identifier == "Europe/London")
        #expect(HL7Time.milliseconds("20260115083000", localOffset: london.localOffset) == HL7Time.milliseconds("20260115083000+0000"))
        #expect(HL7Time.milliseconds("20260715083000", localOffset: london.localOffset) == HL7Time.milliseconds("20260715073000+0000"))
        #expect(try MLLPSender("WARD@10.0.0.0/8").timeZone == TimeZone.current)
    }

    @Test func aResentHL7MessageGetsTheSameBootAndOthersDoNot() {
        let boot = MLLPIngestService.boot(facility: "ICU", application: "GW", controlID: "MSG00001")
        #expect(boot == MLLPIngestService.boot(facility: "ICU", application: "GW", controlID: "MSG00001"))
        #expect(boot != MLLPIngestService.boot(facility: "ICU", application: "GW", controlID: "MSG00002"))
        #expect(boot != MLLPIngestService.boot(facility: "ED", application: "GW", controlID: "MSG00001"))
        #expect(ProducerKey.isValidBoot(boot))
    }
}
