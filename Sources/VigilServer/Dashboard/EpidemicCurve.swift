import Foundation
import VigilClinical

/// A screening site's epidemic curve as SVG: one bar per day, its height the febrile travellers,
/// the days that signalled marked; the first and last dates and the highest count labelled.
enum EpidemicCurve {
    static let width = 600.0
    static let height = 160.0

    static func svg(_ days: [ScreeningSeries.Day], site: String) -> String {
        let top = max(Double(days.map(\.febrile).max() ?? 0), 1)
        let (left, right, plotTop, bottom) = (36.0, width - 8, 10.0, height - 22)
        let slot = (right - left) / Double(max(days.count, 1))
        var parts: [String] = [
            #"<line class="grid" x1="\#(left)" y1="\#(bottom)" x2="\#(right)" y2="\#(bottom)"/>"#,
            #"<text class="tick" x="\#(left - 4)" y="\#(plotTop + 4)" text-anchor="end">\#(Int(top))</text>"#,
            #"<text class="tick" x="\#(left - 4)" y="\#(bottom)" text-anchor="end">0</text>"#,
        ]
        for (index, day) in days.enumerated() {
            let barHeight = Double(day.febrile) / top * (bottom - plotTop)
            let x = left + Double(index) * slot + slot * 0.1
            parts.append(
                String(
                    format:
                        #"<rect class="bar%@" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%@: %d febrile of %d screened%@</title></rect>"#,
                    day.signal ? " signal" : "", x, bottom - barHeight, slot * 0.8, barHeight, day.date, day.febrile, day.screened,
                    day.signal ? ", signal" : ""))
        }
        if let first = days.first, let last = days.last {
            parts.append(#"<text class="tick" x="\#(left)" y="\#(height - 6)">\#(first.date)</text>"#)
            parts.append(#"<text class="tick" x="\#(right)" y="\#(height - 6)" text-anchor="end">\#(last.date)</text>"#)
        }
        return
            #"<svg class="chart curve" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-label="Febrile travellers per day at \#(SVGChart.escape(site))">"#
            + parts.joined() + "</svg>"
    }
}
