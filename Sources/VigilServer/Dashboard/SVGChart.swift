import Foundation
import VigilCore

/// A small line chart drawn as inline SVG on the server: a series over a time window, with
/// markers (alerts, scores) and shaded spans (treatments) on the same time axis, so that a
/// treatment sits beside the values it should move. Every text is escaped.
struct SVGChart {
    struct Marker {
        var time: Int64
        var label: String
        /// A CSS class: `high`, `medium`, `low`, `score`.
        var kind: String
    }

    struct Span {
        var start: Int64
        var end: Int64
        var label: String
    }

    var title: String
    var unit: String
    var points: [(time: Int64, value: Double)]
    var start: Int64
    var end: Int64
    var markers: [Marker] = []
    var spans: [Span] = []
    /// Steps instead of a line (scores hold until the next one).
    var stepped = false

    static let width = 600.0, height = 120.0, top = 8.0, bottom = 100.0

    /// At most `limit` points: the mean of each of `limit` equal slices of the window.
    static func downsample(_ points: [(time: Int64, value: Double)], start: Int64, end: Int64, limit: Int = 300) -> [(time: Int64, value: Double)] {
        guard points.count > limit, end > start else { return points }
        var sums = [(time: Int64, total: Double, count: Int)](repeating: (0, 0, 0), count: limit)
        for point in points {
            let slot = min(limit - 1, max(0, Int(Double(point.time - start) / Double(end - start) * Double(limit))))
            sums[slot] = (sums[slot].time + point.time / 1000, sums[slot].total + point.value, sums[slot].count + 1)
        }
        return sums.filter { $0.count > 0 }.map { ($0.time / Int64($0.count) * 1000, $0.total / Double($0.count)) }
    }

    var svg: String {
        let values = points.map(\.value)
        let low = values.min() ?? 0, high = values.max() ?? 1
        let padding = max((high - low) * 0.1, 1)
        let (minimum, maximum) = (low - padding, high + padding)
        func x(_ time: Int64) -> Double { Double(time - start) / Double(max(end - start, 1)) * Self.width }
        func y(_ value: Double) -> Double { Self.bottom - (value - minimum) / (maximum - minimum) * (Self.bottom - Self.top) }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var parts: [String] = []
        let label = Self.escape("\(title) (\(unit)), \(points.count) values")
        parts.append(#"<svg class="chart" viewBox="0 0 600 120" role="img" aria-label="\#(label)">"#)
        for span in spans {
            let from = max(0, x(span.start)), to = min(Self.width, x(span.end))
            guard to > from else { continue }
            parts.append(
                #"<rect class="treatment" x="\#(number(from))" y="0" width="\#(number(max(to - from, 2)))" height="100"><title>\#(Self.escape(span.label))</title></rect>"#
            )
        }
        var path: [String] = []
        for (index, point) in points.enumerated() {
            if stepped, index > 0 { path.append("\(number(x(point.time))),\(number(y(points[index - 1].value)))") }
            path.append("\(number(x(point.time))),\(number(y(point.value)))")
        }
        if !path.isEmpty { parts.append(#"<polyline class="series" points="\#(path.joined(separator: " "))"/>"#) }
        if points.count <= 60 {
            for point in points { parts.append(#"<circle class="point" cx="\#(number(x(point.time)))" cy="\#(number(y(point.value)))" r="2.5"/>"#) }
        }
        for marker in markers where marker.time >= start && marker.time <= end {
            let at = number(x(marker.time))
            parts.append(
                #"<line class="marker \#(marker.kind)" x1="\#(at)" x2="\#(at)" y1="0" y2="100"><title>\#(Self.escape(marker.label))</title></line>"#)
        }
        parts.append(#"<text x="2" y="118" class="axis">\#(Self.escape(Self.clock(start)))</text>"#)
        parts.append(#"<text x="598" y="118" class="axis end">\#(Self.escape(Self.clock(end)))</text>"#)
        if !values.isEmpty {
            parts.append(#"<text x="2" y="\#(number(y(high) + 10))" class="axis">\#(number(high))</text>"#)
            if high != low { parts.append(#"<text x="2" y="\#(number(y(low) - 2))" class="axis">\#(number(low))</text>"#) }
        }
        parts.append("</svg>")
        return parts.joined()
    }

    /// `2026-11-30 14:05` (UTC).
    static func clock(_ milliseconds: Int64) -> String {
        let instant = FHIRDateTime.instant(milliseconds: milliseconds)
        return String(instant.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

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
        guard points.count >= 2, let low = points.map(\.value).min(), let high = points.map(\.value).max() else { return "" }
        let span = max(high - low, 1e-9)
        let coordinates = points.map { point in
            String(format: "%.1f,%.1f", Double(point.time - start) / Double(max(end - start, 1)) * 80, 18 - (point.value - low) / span * 16)
        }
        return #"<svg class="spark" viewBox="0 0 80 20" aria-hidden="true"><polyline points="\#(coordinates.joined(separator: " "))"/></svg>"#
    }
}
