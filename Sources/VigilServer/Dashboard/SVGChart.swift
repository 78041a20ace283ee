import Foundation
import VigilClinical
import VigilCore

/// A line chart drawn as inline SVG on the server, as a clinician reads an observation chart: the
/// policy's ranges for the vital sign shaded behind the line (normal, then its score's points, as on
/// the RCP NEWS2 chart), the lowest and highest of each averaged slice as an envelope so that a
/// short dip is not hidden, time ticks in the site's time zone, value ticks, the current value
/// labelled beside the plot, alerts as marks with their priority's shape and name, and treatments
/// as a bar along the bottom on the same time axis, so that a treatment sits beside the values it
/// should move. Every text is escaped.
struct SVGChart {
    struct Marker {
        var time: Int64
        /// The whole text (a tooltip).
        var label: String
        /// A CSS class: `high`, `medium`, `low`.
        var kind: String
        /// What the mark says on the chart, beside its shape.
        var name: String = ""
    }

    struct Span {
        var start: Int64
        var end: Int64
        var label: String
    }

    /// A point, or a slice of points: its mean and its lowest and highest values.
    struct Slice {
        var time: Int64
        var value: Double
        var low: Double
        var high: Double
    }

    var title: String
    var unit: String
    var points: [Slice]
    var start: Int64
    var end: Int64
    var markers: [Marker] = []
    var spans: [Span] = []
    /// Steps instead of a line (scores hold until the next one).
    var stepped = false
    /// The ranges the vital sign is read against, shaded behind the line.
    var range: VitalRange?
    var time = SiteTime.current

    init(
        title: String, unit: String, points: [Slice], start: Int64, end: Int64, markers: [Marker] = [], spans: [Span] = [],
        stepped: Bool = false, range: VitalRange? = nil, time: SiteTime = .current
    ) {
        (self.title, self.unit, self.points, self.start, self.end) = (title, unit, points, start, end)
        (self.markers, self.spans, self.stepped, self.range, self.time) = (markers, spans, stepped, range, time)
    }

    init(
        title: String, unit: String, points: [(time: Int64, value: Double)], start: Int64, end: Int64, markers: [Marker] = [],
        spans: [Span] = [], stepped: Bool = false, range: VitalRange? = nil, time: SiteTime = .current
    ) {
        self.init(
            title: title, unit: unit, points: points.map { Slice(time: $0.time, value: $0.value, low: $0.value, high: $0.value) }, start: start,
            end: end, markers: markers, spans: spans, stepped: stepped, range: range, time: time)
    }

    static let width = 480.0, height = 170.0
    static let plotLeft = 36.0, plotRight = 428.0, plotTop = 16.0, plotBottom = 140.0

    /// At most `limit` slices: the mean, lowest and highest of each of `limit` equal slices of
    /// the window.
    static func downsample(_ points: [(time: Int64, value: Double)], start: Int64, end: Int64, limit: Int = 300) -> [Slice] {
        guard points.count > limit, end > start else { return points.map { Slice(time: $0.time, value: $0.value, low: $0.value, high: $0.value) } }
        var slices = [(time: Int64, total: Double, count: Int, low: Double, high: Double)](
            repeating: (0, 0, 0, .infinity, -.infinity), count: limit)
        for point in points {
            let slot = min(limit - 1, max(0, Int(Double(point.time - start) / Double(end - start) * Double(limit))))
            let slice = slices[slot]
            slices[slot] = (
                slice.time + point.time / 1000, slice.total + point.value, slice.count + 1, min(slice.low, point.value), max(slice.high, point.value)
            )
        }
        return slices.filter { $0.count > 0 }.map {
            Slice(time: $0.time / Int64($0.count) * 1000, value: $0.total / Double($0.count), low: $0.low, high: $0.high)
        }
    }

    var svg: String {
        let (minimum, maximum) = valueRange
        func x(_ at: Int64) -> Double { Self.plotLeft + Double(at - start) / Double(max(end - start, 1)) * (Self.plotRight - Self.plotLeft) }
        func y(_ value: Double) -> Double {
            Self.plotBottom - (min(max(value, minimum), maximum) - minimum) / (maximum - minimum) * (Self.plotBottom - Self.plotTop)
        }
        var parts: [String] = []
        let latest = points.last.map { $0.value.formattedForPage }
        var described = "\(title) (\(unit)), \(points.count) values"
        if let latest { described += ", now \(latest)" }
        if let normal = range?.zones.first(where: { $0.severity == .normal }) { described += ", normal \(normal.label)" }
        parts.append(#"<svg class="chart" viewBox="0 0 480 170" role="img" aria-label="\#(Self.escape(described))">"#)
        for zone in range?.zones ?? [] {
            let top = y(zone.upper ?? maximum), bottom = y(zone.lower ?? minimum)
            guard bottom - top > 0.5 else { continue }
            let name =
                zone.severity == .normal
                ? "Normal range \(zone.label) \(unit)"
                : "\(zone.label) \(unit)" + (zone.points.map { ": \($0) point\($0 == 1 ? "" : "s")" } ?? "")
            parts.append(
                #"<rect class="zone \#(zone.severity.name)\#(zone.points.map { " points-\($0)" } ?? "")" x="\#(Self.number(Self.plotLeft))" y="\#(Self.number(top))" width="\#(Self.number(Self.plotRight - Self.plotLeft))" height="\#(Self.number(bottom - top))"><title>\#(Self.escape(name))</title></rect>"#
            )
        }
        // Treatments: a bar along the bottom of the plot over the time they run, so the ranges stay visible.
        for span in spans {
            let from = max(Self.plotLeft, x(span.start)), to = min(Self.plotRight, x(span.end))
            guard to > from else { continue }
            parts.append(
                #"<rect class="treatment" x="\#(Self.number(from))" y="\#(Self.number(Self.plotBottom - 6))" width="\#(Self.number(max(to - from, 2)))" height="6"><title>\#(Self.escape(span.label))</title></rect>"#
            )
        }
        for value in Self.valueTicks(minimum, maximum) {
            let at = Self.number(y(value))
            parts.append(#"<line class="grid" x1="\#(Self.number(Self.plotLeft))" x2="\#(Self.number(Self.plotRight))" y1="\#(at)" y2="\#(at)"/>"#)
            parts.append(
                #"<text class="axis tick-value" x="\#(Self.number(Self.plotLeft - 4))" y="\#(Self.number(y(value) + 4))">\#(value.formattedForPage)</text>"#
            )
        }
        for tick in timeTicks {
            let at = Self.number(x(tick.time))
            parts.append(#"<line class="grid" x1="\#(at)" x2="\#(at)" y1="\#(Self.number(Self.plotTop))" y2="\#(Self.number(Self.plotBottom))"/>"#)
            parts.append(#"<text class="axis tick-time" x="\#(at)" y="\#(Self.number(Self.plotBottom + 16))">\#(Self.escape(tick.label))</text>"#)
        }
        if points.contains(where: { $0.low != $0.high }) {
            let upper = points.map { "\(Self.number(x($0.time))),\(Self.number(y($0.high)))" }
            let lower = points.reversed().map { "\(Self.number(x($0.time))),\(Self.number(y($0.low)))" }
            parts.append(
                #"<polygon class="envelope" points="\#((upper + lower).joined(separator: " "))"><title>lowest and highest</title></polygon>"#)
        }
        var path: [String] = []
        for (index, point) in points.enumerated() {
            if stepped, index > 0 { path.append("\(Self.number(x(point.time))),\(Self.number(y(points[index - 1].value)))") }
            path.append("\(Self.number(x(point.time))),\(Self.number(y(point.value)))")
        }
        if !path.isEmpty { parts.append(#"<polyline class="series" points="\#(path.joined(separator: " "))"/>"#) }
        if points.count <= 60 {
            for point in points {
                parts.append(#"<circle class="point" cx="\#(Self.number(x(point.time)))" cy="\#(Self.number(y(point.value)))" r="2.5"/>"#)
            }
        }
        var lastLabel = -Double.infinity
        for marker in markers where marker.time >= start && marker.time <= end {
            let at = x(marker.time)
            parts.append(
                #"<line class="marker \#(marker.kind)" x1="\#(Self.number(at))" x2="\#(Self.number(at))" y1="\#(Self.number(Self.plotTop))" y2="\#(Self.number(Self.plotBottom))"><title>\#(Self.escape(marker.label))</title></line>"#
            )
            // The shape always; the name where it does not run into the previous one.
            let text = at - lastLabel > 70 && !marker.name.isEmpty ? "\(BoardPage.symbol(marker.kind)) \(marker.name)" : BoardPage.symbol(marker.kind)
            if text.count > 1 { lastLabel = at }
            parts.append(
                #"<text class="marker-label \#(marker.kind)" x="\#(Self.number(min(at, Self.plotRight - 4)))" y="\#(Self.number(Self.plotTop - 4))">\#(Self.escape(text))</text>"#
            )
        }
        if let last = points.last, let latest {
            parts.append(#"<circle class="current-point" cx="\#(Self.number(x(last.time)))" cy="\#(Self.number(y(last.value)))" r="3.5"/>"#)
            parts.append(#"<text class="current" x="\#(Self.number(Self.plotRight + 6))" y="\#(Self.number(y(last.value) + 5))">\#(latest)</text>"#)
        }
        parts.append("</svg>")
        return parts.joined()
    }

    /// The values shown: the points, with a margin, and the edge of the normal range nearest to
    /// them when none lies among them (so the reader sees where normal begins, without the far
    /// edge squeezing the line flat).
    private var valueRange: (Double, Double) {
        var values = points.flatMap { [$0.low, $0.high] }
        let (first, last) = (values.min() ?? 0, values.max() ?? 1)
        let edges = (range?.zones ?? []).filter { $0.severity == .normal }.flatMap { [$0.lower, $0.upper].compactMap { $0 } }
        if !values.isEmpty, !edges.contains(where: { (first...last).contains($0) }),
            let nearest = edges.min(by: { min(abs($0 - first), abs($0 - last)) < min(abs($1 - first), abs($1 - last)) })
        {
            values.append(nearest)
        }
        let low = values.min() ?? 0, high = values.max() ?? 1
        let padding = max((high - low) * 0.08, 1)
        return (low - padding, high + padding)
    }

    /// Three to six round values between `minimum` and `maximum`.
    static func valueTicks(_ minimum: Double, _ maximum: Double) -> [Double] {
        let rough = (maximum - minimum) / 4
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let first = (minimum / step).rounded(.up) * step
        return stride(from: first, through: maximum, by: step).map { ($0 / step).rounded() * step }
    }

    /// Ticks on round local times (15 minutes to a day apart, about seven at most): `14:00`, or at
    /// midnight on a chart of more than a day, the day `Sun 29`.
    var timeTicks: [(time: Int64, label: String)] {
        let minutes = Double(end - start) / 60_000
        let interval = Int64([15, 30, 60, 120, 180, 360, 720].first { minutes / Double($0) <= 7 } ?? 1440)
        var ticks: [(time: Int64, label: String)] = []
        var at = (start / 900_000 + 1) * 900_000
        while at <= end {
            let offset = Int64(time.zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(at) / 1000))) * 1000
            let minuteOfDay = ((at + offset) % 86_400_000 + 86_400_000) % 86_400_000 / 60_000
            if minuteOfDay % interval == 0 {
                let label =
                    minuteOfDay == 0 && minutes > 1440 ? String(time.day(at).split(separator: " ").prefix(2).joined(separator: " ")) : time.clock(at)
                ticks.append((at, label))
            }
            at += 900_000
        }
        // Under a quarter of an hour: its two ends.
        return ticks.isEmpty && end > start ? [(start, time.clock(start)), (end, time.clock(end))] : ticks
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension SVGChart {
    /// A sparkline: the shape of the last hours of one vital sign, 80 × 20, no text (the value and
    /// its age stand beside it).
    /// The time axis starts at the first point when the series is younger than the window.
    static func sparkline(_ points: [(time: Int64, value: Double)], start: Int64, end: Int64) -> String {
        let start = max(start, points.first?.time ?? start)
        let points = downsample(points, start: start, end: end, limit: 40)
        // Points bunched at one moment of the window draw a stroke, not a shape: none.
        guard points.count >= 2, let first = points.first, let last = points.last, Double(last.time - first.time) >= 0.1 * Double(end - start),
            let low = points.map(\.value).min(), let high = points.map(\.value).max()
        else { return "" }
        let span = max(high - low, 1e-9)
        let coordinates = points.map { point in
            String(format: "%.1f,%.1f", Double(point.time - start) / Double(max(end - start, 1)) * 80, 18 - (point.value - low) / span * 16)
        }
        return #"<svg class="spark" viewBox="0 0 80 20" aria-hidden="true"><polyline points="\#(coordinates.joined(separator: " "))"/></svg>"#
    }
}
