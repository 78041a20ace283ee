import Testing
import VigilClinical

/// The ranges a value is read against on the board and the charts: the policy's own tables
/// (NEWS2 for adults, the age's PEWS band for children, the glucose levels), so that what is
/// marked abnormal is what the score counts.
@Suite struct VitalRangeTests {
    let policy = ClinicalPolicy.standard
    let adult = PatientContext()

    func range(_ code: String, _ unit: String, ageInMonths: Int? = nil, context: PatientContext = PatientContext()) -> VitalRange? {
        VitalRange(code: code, unit: unit, context: context, ageInMonths: ageInMonths, policy: policy)
    }

    @Test func anAdultsRespiratoryRateIsReadAgainstTheNEWS2Table() throws {
        let rr = try #require(range("9279-1", "/min"))
        #expect(rr.mark(16) == nil)
        #expect(rr.mark(20) == nil)
        #expect(rr.mark(21) == VitalRange.Mark(points: 2, side: .high, severity: .moderate))
        #expect(rr.mark(25) == VitalRange.Mark(points: 3, side: .high, severity: .severe))
        #expect(rr.mark(11) == VitalRange.Mark(points: 1, side: .low, severity: .moderate))
        #expect(rr.mark(8) == VitalRange.Mark(points: 3, side: .low, severity: .severe))
        // Zones for shading, boundaries half-way between the table's whole numbers.
        #expect(rr.zones.map(\.points) == [3, 1, 0, 2, 3])
        #expect(rr.zones[2].lower == 11.5 && rr.zones[2].upper == 20.5)
        #expect(rr.zones.first?.lower == nil && rr.zones.last?.upper == nil)
        #expect(rr.normal == 11.5...20.5)
        #expect(rr.zones.map(\.label) == ["≤ 8", "9–11", "12–20", "21–24", "≥ 25"])
    }

    @Test func temperatureAndBloodPressureUseTheirTablesAndUnits() throws {
        let temp = try #require(range("8310-5", "Cel"))
        #expect(temp.mark(38.0) == nil)
        #expect(temp.mark(38.1) == VitalRange.Mark(points: 1, side: .high, severity: .moderate))
        #expect(temp.mark(36.05) == nil)
        #expect(temp.zones.map(\.label) == ["≤ 35", "35.1–36", "36.1–38", "38.1–39", "≥ 39.1"])  // rounded to 36.1 as the score rounds it
        #expect(temp.mark(35.0) == VitalRange.Mark(points: 3, side: .low, severity: .severe))
        // In °F, read against the same table, converted: never left unmarked.
        let fahrenheit = try #require(range("8310-5", "[degF]"))
        #expect(fahrenheit.mark(100.4) == nil)  // 38.0 °C
        #expect(fahrenheit.mark(102.2) == VitalRange.Mark(points: 1, side: .high, severity: .moderate))  // 39.0 °C
        #expect(fahrenheit.mark(95) == VitalRange.Mark(points: 3, side: .low, severity: .severe))  // 35.0 °C
        #expect(fahrenheit.zones.map(\.label) == ["≤ 95", "95.2–96.8", "97–100.4", "100.6–102.2", "≥ 102.4"])
        #expect(range("8310-5", "K") == nil)
        let systolic = try #require(range("8480-6", "mm[Hg]"))
        #expect(systolic.mark(95) == VitalRange.Mark(points: 2, side: .low, severity: .moderate))
        #expect(systolic.mark(230) == VitalRange.Mark(points: 3, side: .high, severity: .severe))
        #expect(range("8867-4", "mm[Hg]") == nil)
    }

    @Test func spo2FollowsThePatientsScale() throws {
        let one = try #require(range("59408-5", "%"))
        #expect(one.mark(90) == VitalRange.Mark(points: 3, side: .low, severity: .severe))
        let two = try #require(range("59408-5", "%", context: PatientContext(news2Scale: .two)))
        #expect(two.mark(90) == nil)  // within the 88–92 % target
        #expect(two.mark(85)?.severity == .moderate)
    }

    @Test func aChildIsReadAgainstTheAgeBandOfPEWS() throws {
        let child = try #require(range("8867-4", "/min", ageInMonths: 120))
        let adultRange = try #require(range("8867-4", "/min"))
        #expect(adultRange.mark(115) != nil)
        #expect(child.mark(95) == nil)
        #expect(child.zones != adultRange.zones)
        #expect(child.mark(200)?.side == .high)
        // PEWS does not score temperature: a child's is read against the fever threshold.
        let temperature = try #require(range("8310-5", "Cel", ageInMonths: 120))
        #expect(temperature.mark(37.5) == nil)
        #expect(temperature.mark(38.5) == VitalRange.Mark(points: nil, side: .high, severity: .moderate))
        #expect(temperature.zones.map(\.label) == ["< 38", "≥ 38"])
        #expect(try #require(range("8310-5", "[degF]", ageInMonths: 120)).mark(101.3)?.side == .high)
    }

    @Test func glucoseIsReadAgainstItsLevelsInEitherUnit() throws {
        let mgdl = try #require(range("99504-3", "mg/dL", ageInMonths: 120))
        #expect(mgdl.mark(52) == VitalRange.Mark(points: nil, side: .low, severity: .severe))
        #expect(mgdl.mark(65) == VitalRange.Mark(points: nil, side: .low, severity: .moderate))
        #expect(mgdl.mark(120) == nil)
        #expect(mgdl.mark(300)?.side == .high)
        #expect(mgdl.zones.map(\.label) == ["< 54", "54–70", "70–250", "> 250"])
        let mmol = try #require(range("99504-3", "mmol/L"))
        #expect(mmol.mark(2.8)?.severity == .severe)
        #expect(mmol.mark(6) == nil)
        #expect(abs((mmol.normal?.lowerBound ?? 0) - 70 / 18.01559) < 1e-9)
    }

    @Test func aCodeWithoutATableHasNoRange() {
        #expect(range("41950-7", "/d") == nil)
    }
}
