import FuzzSupport
import HL7v2

/// Any HL7 v2 message read as IHE PCD-01 and as an ADT: readings or a refusal, never a trap;
/// every reading has a finite value and a LOINC code; an ADT names its patient and visit.
@main enum FuzzPCD01 {
    static func main() {
        Fuzzer.run { input in
            guard let message = try? HL7Message(parsing: input) else { return }
            if let adt = try? ADT(message) {
                precondition(!adt.patient.isEmpty && !adt.visit.isEmpty, "an ADT without its patient or visit")
            }
            guard let pcd = try? PCD01(message) else { return }
            for reading in pcd.readings {
                precondition(reading.value.isFinite, "a reading with a value that is not finite")
                precondition(!reading.loinc.isEmpty, "a reading without a LOINC code")
            }
        }
    }
}
