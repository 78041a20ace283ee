import Foundation
import Testing
import VigilClinical

@testable import VigilServer

/// The patient page's charts as clinicians read them: the policy's ranges shaded behind the line,
/// times in the site's zone, the current value labelled beside the plot, alert marks labelled, and
/// a short dip kept when many readings share a slice.
@Suite struct SVGChartTests {
    let start = Int64(1_774_744_200_000)  // 2026-03-29 00:30 UTC, 01:30 in Paris
    let paris = SiteTime(zone: TimeZone(identifier: "Europe/Paris")!)

    func chart(_ values: [Double], range: VitalRange? = nil, markers: [SVGChart.Marker] = []) -> SVGChart {
        let points = values.enumerated().map { (time: start + Int64($0.offset) * 60_000, value: $0.element) }
        let end = start + Int64(max(values.count - 1, 1)) * 60_000
        return SVGChart(
            title: "RR", unit: "/min", points: SVGChart.downsample(points, start: start, end: end), start: start, end: end, markers: markers,
            range: range, time: paris)
    }

    @Test func aSliceKeepsItsLowestAndHighestSoAShortDipIsNotHidden() {
        var values = [Double](repeating: 96, count: 3000)
        values[1500] = 84
        let points = values.enumerated().map { (time: start + Int64($0.offset) * 1000, value: $0.element) }
        let slices = SVGChart.downsample(points, start: start, end: start + 3_000_000)
        #expect(slices.count == 300)
        #expect(slices.map(\.low).min() == 84)
        #expect(slices.allSatisfy { $0.high == 96 })
        #expect(slices.map(\.value).min()! > 90)  // the mean alone would hide it
        #expect(chart(values).svg.contains(#"<polygon class="envelope""#))
    }

    @Test func theNormalRangeAndTheAlertBandsAreShadedBehindTheLine() throws {
        let range = try #require(VitalRange(code: "9279-1", unit: "/min", context: PatientContext(), ageInMonths: nil, policy: .standard))
        let svg = chart([16, 18, 22, 26], range: range).svg
        #expect(svg.contains(#"<rect class="zone normal points-0""#) && svg.contains("<title>Normal range 12–20 /min</title>"), "\(svg)")
        #expect(svg.contains(#"<rect class="zone severe points-3""#) && svg.contains("<title>≥ 25 /min: 3 points</title>"))
        // Shading comes before the line, so the line stays on top.
        let zone = try #require(svg.range(of: "class=\"zone"))
        let line = try #require(svg.range(of: "class=\"series\""))
        #expect(zone.lowerBound < line.lowerBound)
        // A treatment running the whole period is a bar along the bottom of the plot: the zones stay visible.
        var treated = chart([16, 18, 22, 26], range: range)
        treated.spans = [SVGChart.Span(start: start - 60_000, end: start + 600_000, label: "Medication: antibiotics")]
        let bar = try #require(treated.svg.firstMatch(of: /<rect class="treatment" x="[0-9.]+" y="([0-9.]+)" width="[0-9.]+" height="([0-9.]+)">/))
        #expect(Double(bar.2)! <= 8 && Double(bar.1)! + Double(bar.2)! <= SVGChart.plotBottom + 0.01)
        #expect(svg.contains(#"aria-label="RR (/min), 4 values, now 26, normal 12–20""#))
    }

    @Test func theCurrentValueIsLabelledBesideThePlotNotOverTheLine() throws {
        let svg = chart([16, 18, 22, 26]).svg
        let label = try #require(svg.firstMatch(of: /<text class="current" x="([0-9.]+)" y="[0-9.]+">26<\/text>/))
        #expect(Double(label.1)! > SVGChart.plotRight)
    }

    @Test func timeTicksAreInTheSitesZoneOnTheHourWithoutSeconds() {
        // 01:30 Paris for four hours, across the change to summer time at 02:00 (→ 03:00).
        let points = (0...240).map { (time: start + Int64($0) * 60_000, value: 16.0) }
        let svg = SVGChart(title: "RR", unit: "/min", points: points, start: start, end: start + 240 * 60_000, time: paris).svg
        let ticks = svg.matches(of: /<text class="axis tick-time" x="[0-9.]+" y="[0-9.]+">([^<]+)<\/text>/).map { String($0.1) }
        #expect(ticks == ["03:00", "04:00", "05:00", "06:00"], "\(svg)")
        #expect(!svg.contains("2026-03-29"))
        let values = svg.matches(of: /<text class="axis tick-value"[^>]*>([^<]+)<\/text>/).map { String($0.1) }
        #expect(!values.isEmpty && values.allSatisfy { Double($0) != nil })
    }

    @Test func alertMarksCarryTheirPriorityAsAShapeAndAName() {
        let marker = SVGChart.Marker(time: start + 120_000, label: "high: NEWS2 7 (high)", kind: "high", name: "NEWS2 7")
        let svg = chart([16, 18, 22, 26], markers: [marker]).svg
        #expect(svg.contains(#"<text class="marker-label high""#) && svg.contains("▲ NEWS2 7</text>"), "\(svg)")
    }
}
