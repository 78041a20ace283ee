import HL7v2
import Testing

@Suite struct PCD01Tests {
    @Test func readsTheReadingsOfTheB40Sample() throws {
        let pcd = try PCD01(HL7Message(parsing: HL7MessageTests.pcd01))
        #expect(pcd.patient == "HED12")
        #expect(pcd.sendingApplication == "VSP" && pcd.sendingFacility == "GE Healthcare")
        #expect(pcd.refused.isEmpty)
        let obrTime: Int64 = 1_358_862_060_000  // OBR-7 20130122134100 (no OBX-14)
        #expect(
            pcd.readings == [
                .init(setID: "11", mdc: "147842", loinc: "8867-4", value: 80, unit: "/min", equipment: "080019FFFE0B4020", time: obrTime),
                .init(setID: "4", mdc: "150033", loinc: "8480-6", value: 112, unit: "mm[Hg]", equipment: "080019FFFE0B4020", time: obrTime),
            ])
    }

    static func message(_ obx: [String], pid: String = "PID|||MRN7") -> String {
        (["MSH|^~\\&|MON|WARD3|||20260101080000||ORU^R01^ORU_R01|c1|P|2.6", pid, "OBR|1|||182777000^monitoring of patient^SCT"] + obx)
            .joined(separator: "\r")
    }

    @Test func observationTimeAndUCUMUnitsAreRead() throws {
        let pcd = try PCD01(
            HL7Message(
                parsing: Self.message([
                    "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|97|262688^MDC_DIM_PERCENT^MDC|||||F|||20260101075930-0500||||EQ1",
                    "OBX|2|NM|152584^MDC_FLOW_AWAY_EXP_FORCED_PEAK^MDC|1.1.1.2|310|L/min^liter per minute^UCUM|||||R|||||||EQ1",
                ])))
        #expect(pcd.readings.map(\.loinc) == ["59408-5", "19935-6"])
        #expect(pcd.readings.map(\.unit) == ["%", "L/min"])
        #expect(pcd.readings[0].time == HL7Time.milliseconds("20260101125930"))
        #expect(pcd.readings[1].time == HL7Time.milliseconds("20260101080000"))
    }

    @Test func rowsThatCannotBeReadingsAreRefusedWithTheirReason() throws {
        let pcd = try PCD01(
            HL7Message(
                parsing: Self.message([
                    "OBX|1|NM|999999^MDC_UNKNOWN^MDC||5|262688^MDC_DIM_PERCENT^MDC|||||R|||||||EQ1",
                    "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||high|262688^MDC_DIM_PERCENT^MDC|||||R|||||||EQ1",
                    "OBX|3|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||97|999^MDC_DIM_ODD^MDC|||||R|||||||EQ1",
                    "OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||97|262688^MDC_DIM_PERCENT^MDC|||||R",
                    "OBX|5|ST|150456^MDC_PULS_OXIM_SAT_O2^MDC||ninety|262688^MDC_DIM_PERCENT^MDC|||||R|||||||EQ1",
                    "OBX|6|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||97|262688^MDC_DIM_PERCENT^MDC|||||D|||||||EQ1",
                    "OBX|7||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X",
                ])))
        #expect(pcd.readings.isEmpty)
        #expect(pcd.refused.map(\.setID) == ["1", "2", "3", "4", "5"])
        #expect(pcd.refused[0].reason.contains("no LOINC code"))
        #expect(pcd.refused[1].reason.contains("not a number"))
        #expect(pcd.refused[2].reason.contains("OBX-6"))
        #expect(pcd.refused[3].reason.contains("OBX-18"))
        #expect(pcd.refused[4].reason.contains("OBX-2 ST"))
    }

    @Test func theEquipmentIdentifierIsInheritedDownTheDeviceHierarchy() throws {
        // As many gateways send it: OBX-18 on the device (MDS) row only, or on a VMD that overrides it.
        let pcd = try PCD01(
            HL7Message(
                parsing: Self.message([
                    "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||MDS-1",
                    "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|80|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R",
                    "OBX|3||69642^MDC_DEV_ANALY_SAT_O2_VMD^MDC|1.2.0.0|||||||X|||||||OXI-9",
                    "OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.2.1.1|97|262688^MDC_DIM_PERCENT^MDC|||||R",
                    "OBX|5|NM|150033^MDC_PRESS_BLD_ART_SYS^MDC|1.13.1|112|266016^MDC_DIM_MMHG^MDC|||||R",
                    "OBX|6|NM|147842^MDC_ECG_HEART_RATE^MDC|2.1.1.1|81|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R",
                    "OBX|7|NM|147842^MDC_ECG_HEART_RATE^MDC||82|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R",
                ])))
        #expect(pcd.readings.map(\.setID) == ["2", "4", "5"])
        #expect(pcd.readings.map(\.equipment) == ["MDS-1", "OXI-9", "MDS-1"])
        // Under another device with no identifier, or outside the hierarchy: refused, saying so.
        #expect(pcd.refused.map(\.setID) == ["6", "7"])
        #expect(pcd.refused.allSatisfy { $0.reason.contains("OBX-18") && $0.reason.contains("device rows above") })
    }

    @Test func onlyORUR01WithAPatientIsTaken() throws {
        #expect(throws: HL7Error.self) { try PCD01(HL7Message(parsing: "MSH|^~\\&|A|B|||20260101||ADT^A01|1|P|2.6\rPID|||7")) }
        #expect(throws: HL7Error.self) { try PCD01(HL7Message(parsing: Self.message([], pid: "PID|||"))) }
    }

    /// OBX-5 of an NM row is an HL7 NM: an optional sign, digits and an optional decimal point.
    @Test(
        arguments: [
            ("0x50", nil), ("1e2", nil), ("inf", nil), ("nan", nil), (" 80", nil), ("8 0", nil), ("+", nil), (".", nil),
            ("80", 80), ("+80", 80), ("-1.5", -1.5), (".5", 0.5), ("80.", 80), ("0072", 72),
        ] as [(String, Double?)])
    func theValueIsAnHL7Number(_ text: String, _ value: Double?) throws {
        let pcd = try PCD01(
            HL7Message(parsing: Self.message(["OBX|1|NM|147842^MDC_ECG_HEART_RATE^MDC||\(text)|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||||||EQ1"])))
        #expect(pcd.readings.first?.value == value)
        #expect((pcd.refused.first?.reason.contains("is not a number") ?? false) == (value == nil))
    }

    @Test func theAcknowledgementEchoesTheControlIDAndSaysWhy() throws {
        let message = try HL7Message(parsing: Self.message([]))
        let accepted = message.acknowledgement(.accept, controlID: "a1", now: 1_795_611_600_000)
        #expect(accepted.encoded() == "MSH|^~\\&|VIGIL|VIGIL|MON|WARD3|20261125130000||ACK^R01^ACK|a1|P|2.6\rMSA|AA|c1\r")
        let problems = [
            HL7Problem(.unknownKey, "patient MRN7 is unknown", segment: "PID", field: 3),
            HL7Problem(.tableValueNotFound, "OBX-6 X is not a unit", segment: "OBX", sequence: "2", field: 6),
        ]
        let refused = try HL7Message(parsing: message.acknowledgement(.error, problems: problems, controlID: "a2", now: 0).encoded())
        #expect(refused.first("MSA")?[1] == "AE" && refused.first("MSA")?[2] == "c1")
        #expect(refused.first("ERR")?[3] == "204" && refused.first("ERR")?[4] == "E" && refused.first("ERR")?[8] == "patient MRN7 is unknown")
        #expect(refused.first("ERR")?[2] == "PID" && refused.first("ERR")?[2, component: 3] == "3")
        let second = refused.all("ERR").last
        #expect(refused.all("ERR").count == 2 && second?[3] == "103" && second?[2, component: 2] == "2")
    }
}

@Suite struct HL7TimeTests {
    @Test func aTimeWithoutAnOffsetIsTheSendersLocalTime() {
        let tokyo: HL7Time.LocalOffset = { _ in 9 * 3600 }
        #expect(HL7Time.milliseconds("20260701083000", localOffset: tokyo) == HL7Time.milliseconds("20260701083000+0900"))
        #expect(HL7Time.milliseconds("20260701083000-0500", localOffset: tokyo) == HL7Time.milliseconds("20260701133000+0000"))
        #expect(HL7Time.milliseconds("20260701083000") == HL7Time.milliseconds("20260701083000+0000"))
    }

    @Test(
        arguments: [
            ("20130122134100", Int64(1_358_862_060_000)),
            ("20261125080000-0500", 1_795_611_600_000),
            ("202611250800+0000", 1_795_593_600_000),
            ("20240229", 1_709_164_800_000),
            ("19691231235959", -1000),
            ("20130122134100.5", 1_358_862_060_500),
            ("2013", 1_356_998_400_000),
        ] as [(String, Int64)])
    func readsHL7Times(_ text: String, _ milliseconds: Int64) {
        #expect(HL7Time.milliseconds(text) == milliseconds)
    }

    @Test(arguments: [
        "", "2013012", "20130230", "20131301", "20130122250000", "20130122134100+05", "2013O122", "20130122134100.", "x",
        // A signed number is not an offset, and an exponent is not a fraction of a second.
        "20130122134100+-100", "20130122134100.1e3", "201301221341+0-10",
    ])
    func refusesWhatIsNotATime(_ text: String) {
        #expect(HL7Time.milliseconds(text) == nil)
    }

    @Test func writesUTCTimesThatReadBack() {
        for milliseconds: Int64 in [0, 1_358_862_060_000, 1_709_164_800_000, -86_400_000, 4_102_444_799_000] {
            #expect(HL7Time.milliseconds(HL7Time.text(milliseconds: milliseconds)) == milliseconds)
        }
        #expect(HL7Time.text(milliseconds: 1_358_862_060_000) == "20130122134100")
    }
}
