import HL7v2
import Testing
import VigilCore

@testable import VigilServer

/// The record an ADT leaves, as pure functions of the record before it.
@Suite struct ADTRecorderTests {
    static func adt(_ event: String, minute: Int, place: String = "3W^301^A") throws -> ADT {
        let time = "202603010\(8 + minute / 60)\(minute % 60 < 10 ? "0" : "")\(minute % 60)00"
        return try ADT(
            HL7Message(
                parsing: "MSH|^~\\&|EPIC|WARD3|||\(time)||ADT^\(event)|c\(minute)|P|2.5.1\rEVN|\(event)|\(time)\rPID|||MRN7\rPV1||I|\(place)"
                    + String(repeating: "|", count: 16) + "V1"))
    }

    static func at(_ minute: Int) -> JSON {
        .string(FHIRDateTime.instant(milliseconds: HL7Time.milliseconds("2026030108\(minute < 10 ? "0" : "")\(minute)00")!))
    }

    @Test func anAdmissionATransferAndADischargeLeaveTheStaysInOrder() throws {
        let admitted = ADTRecorder.encounter(nil, adt: try Self.adt("A01", minute: 0), subject: "Patient/p", location: "Location/bed1")
        #expect(admitted["status"] == "in-progress" && admitted["period"]?["start"] == Self.at(0) && admitted["identifier"]?[0]?["value"] == "V1")
        #expect(admitted["location"] == [["location": ["reference": "Location/bed1"], "status": "active", "period": ["start": Self.at(0)]]])
        #expect(ADTRecorder.lastEvent(admitted) == HL7Time.milliseconds("20260301080000"))

        // The same bed again (an update, a resend): the stays are as they were.
        let updated = ADTRecorder.encounter(admitted, adt: try Self.adt("A08", minute: 5), subject: "Patient/p", location: "Location/bed1")
        #expect(updated["location"] == admitted["location"])

        let moved = ADTRecorder.encounter(updated, adt: try Self.adt("A02", minute: 10), subject: "Patient/p", location: "Location/bed2")
        #expect(moved["location"]?[0]?["status"] == "completed" && moved["location"]?[0]?["period"]?["end"] == Self.at(10))
        #expect(moved["location"]?[1]?["status"] == "active" && moved["location"]?[1]?["location"]?["reference"] == "Location/bed2")

        let discharged = ADTRecorder.encounter(moved, adt: try Self.adt("A03", minute: 20), subject: "Patient/p", location: "Location/bed2")
        #expect(discharged["status"] == "finished" && discharged["period"]?["end"] == Self.at(20))
        #expect(discharged["location"]?.arrayValue?.count == 2 && discharged["location"]?[1]?["period"]?["end"] == Self.at(20))
        #expect(
            ADTRecorder.activeLocation(StoredResource(type: .encounter, id: "e", version: 1, lastUpdated: 0, compartment: nil, json: discharged))
                == nil)

        // An update after the discharge corrects details; it does not readmit.
        let corrected = ADTRecorder.encounter(discharged, adt: try Self.adt("A08", minute: 30), subject: "Patient/p", location: "Location/bed2")
        #expect(corrected["status"] == "finished" && corrected["location"] == discharged["location"])
        #expect(ADTRecorder.lastEvent(corrected) == HL7Time.milliseconds("20260301083000"))
    }

    @Test func aMembershipIsAddedOnceAndRemovedWhole() {
        let ward = ADTRecorder.wardGroup("3W")
        let joined = ADTRecorder.membership(ward, patient: "Patient/p", member: 1_000)
        #expect(joined["member"]?.arrayValue?.count == 1 && joined["member"]?[0]?["entity"]?["reference"] == "Patient/p")
        #expect(ADTRecorder.membership(joined, patient: "Patient/p", member: 2_000) == joined)
        let both = ADTRecorder.membership(joined, patient: "Patient/q", member: 2_000)
        #expect(
            ADTRecorder.membership(both, patient: "Patient/p", member: nil)["member"]?.arrayValue?.map { $0["entity"]?["reference"] } == ["Patient/q"]
        )
        #expect(ADTRecorder.membership(joined, patient: "Patient/p", member: nil)["member"] == nil)
    }
}
