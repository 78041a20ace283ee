import HL7v2
import Testing

@Suite struct ADTTests {
    /// An ADT message with these PID and PV1 fields (by number) and an EVN-2 of `recorded`.
    static func message(
        _ event: String, pid: [Int: String] = [3: "MRN7^^^Hospital&1.2.3&ISO^MR"], pv1: [Int: String] = [2: "I", 3: "3W^301^A", 19: "V1"],
        recorded: String = "20260301080000", evn6: String = ""
    ) -> String {
        func segment(_ id: String, _ fields: [Int: String]) -> String {
            id + (1...(fields.keys.max() ?? 1)).map { "|" + (fields[$0] ?? "") }.joined()
        }
        return [
            "MSH|^~\\&|EPIC|WARD3|||20260301080500||ADT^\(event)^ADT_A01|c1|P|2.5.1", segment("EVN", [1: event, 2: recorded, 6: evn6]),
            segment("PID", pid), segment("PV1", pv1),
        ].joined(separator: "\r")
    }

    @Test func readsThePatientTheVisitAndWhereTheyLie() throws {
        let adt = try ADT(
            HL7Message(
                parsing: Self.message(
                    "A01", pid: [3: "MRN7^^^Hospital&1.2.3&ISO^MR", 5: "Roe^Jane^Q R", 7: "19610315", 8: "F"],
                    pv1: [2: "E", 3: "3W^301^A^GENERAL", 19: "V1", 44: "20260301075500"])))
        #expect(adt.event == .admit && adt.sendingApplication == "EPIC")
        #expect(adt.patient == "MRN7" && adt.patientAuthority == ["Hospital", "1.2.3", "ISO"])
        #expect(adt.name == ADT.Name(family: "Roe", given: ["Jane", "Q", "R"]) && adt.birthDate == "1961-03-15" && adt.gender == "female")
        #expect(adt.visit == "V1" && adt.patientClass == .emergency && adt.patientClass.actCode.code == "EMER")
        #expect(adt.place == ADT.Place(ward: "3W", room: "301", bed: "A") && adt.place?.description == "3W^301^A")
        #expect(adt.occurred == HL7Time.milliseconds("20260301080000") && adt.admitted == HL7Time.milliseconds("20260301075500"))
        #expect(adt.discharged == nil)
    }

    @Test func theEventTimeIsWhenItHappenedThenWhenRecordedThenTheMessageTime() throws {
        #expect(try ADT(HL7Message(parsing: Self.message("A02", evn6: "20260301070000"))).occurred == HL7Time.milliseconds("20260301070000"))
        #expect(try ADT(HL7Message(parsing: Self.message("A02"))).occurred == HL7Time.milliseconds("20260301080000"))
        #expect(try ADT(HL7Message(parsing: Self.message("A02", recorded: ""))).occurred == HL7Time.milliseconds("20260301080500"))
        // Written without an offset: the sender's local time.
        let chicago = try ADT(HL7Message(parsing: Self.message("A02")), localOffset: { _ in -6 * 3600 })
        #expect(chicago.occurred == HL7Time.milliseconds("20260301080000-0600"))
    }

    @Test func partialBirthDatesAndEveryTableValueAreRead() throws {
        for (pid7, date) in [("1961", "1961"), ("196103", "1961-03"), ("196103151230", "1961-03-15")] {
            #expect(try ADT(HL7Message(parsing: Self.message("A08", pid: [3: "M", 7: pid7]))).birthDate == date)
        }
        for (pid8, gender) in [("M", "male"), ("F", "female"), ("O", "other"), ("A", "other"), ("U", "unknown"), ("N", "unknown")] {
            #expect(try ADT(HL7Message(parsing: Self.message("A08", pid: [3: "M", 8: pid8]))).gender == gender)
        }
        for patientClass in ADT.PatientClass.allCases {
            let adt = try ADT(HL7Message(parsing: Self.message("A08", pv1: [2: patientClass.rawValue, 19: "V1"])))
            #expect(adt.patientClass == patientClass && adt.place == nil)
        }
    }

    @Test func whatCannotBeReadIsRefusedWithTheFieldAndTheCondition() throws {
        let cases: [(String, HL7Problem.Condition, String, Int)] = [
            (Self.message("A01", pid: [5: "Roe"]), .requiredFieldMissing, "PID", 3),
            (Self.message("A01", pv1: [2: "I"]), .requiredFieldMissing, "PV1", 19),
            (Self.message("A01", pv1: [19: "V1"]), .requiredFieldMissing, "PV1", 2),
            (Self.message("A01", pv1: [2: "X", 19: "V1"]), .tableValueNotFound, "PV1", 2),
            (Self.message("A01", pid: [3: "M", 8: "Q"]), .tableValueNotFound, "PID", 8),
            (Self.message("A01", pid: [3: "M", 7: "15/03/1961"]), .dataType, "PID", 7),
            (Self.message("A01", pid: [3: "M", 7: "19610231"]), .dataType, "PID", 7),
            (Self.message("A01", pv1: [2: "I", 19: "V1", 44: "yesterday"]), .dataType, "PV1", 44),
            (Self.message("A04"), .unsupportedMessageType, "MSH", 9),
        ]
        for (text, condition, segment, field) in cases {
            let error = #expect(throws: HL7Problem.self) { try ADT(HL7Message(parsing: text)) }
            #expect(error?.condition == condition && error?.segment == segment && error?.field == field, "\(text)")
        }
    }
}
