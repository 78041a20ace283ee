import Foundation
import Testing

@testable import VigilServer

/// WCAG 2.1 AA: text colours of the dashboard's palette against their backgrounds, computed from
/// the stylesheet the server ships (contrast ratio ≥ 4.5:1 for normal text).
struct DashboardPaletteTests {
    /// The `--name: #rrggbb` variables of the stylesheet's `:root`.
    static var palette: [String: String] {
        let root = DashboardAssets.css.split(separator: "}")[0]
        var colours: [String: String] = [:]
        for declaration in root.split(separator: ";") {
            let parts = declaration.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, let name = parts[0].split(separator: "--").last, parts[1].hasPrefix("#") { colours[String(name)] = parts[1] }
        }
        return colours
    }

    /// Relative luminance of `#rrggbb` (WCAG 2.1).
    static func luminance(_ hex: String) -> Double {
        let value = Int(hex.dropFirst(), radix: 16)!
        func channel(_ shift: Int) -> Double {
            let c = Double((value >> shift) & 0xFF) / 255
            return c <= 0.040_45 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
    }

    static func contrast(_ a: String, _ b: String) -> Double {
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }

    @Test func theFormulaMatchesKnownRatios() {
        #expect(abs(Self.contrast("#000000", "#ffffff") - 21) < 0.01)
        #expect(abs(Self.contrast("#777777", "#ffffff") - 4.48) < 0.01)
    }

    @Test func everyTextColourMeetsAAOnItsBackground() throws {
        let palette = Self.palette
        let paper = try #require(palette["paper"])
        for name in ["ink", "muted", "high", "medium", "low", "ok", "stale"] {
            let colour = try #require(palette[name], "\(name) is in the palette")
            #expect(Self.contrast(colour, paper) >= 4.5, "\(name) \(colour) on paper: \(Self.contrast(colour, paper))")
        }
        // The "disconnected" banner: paper-coloured text on the high colour.
        #expect(Self.contrast(paper, try #require(palette["high"])) >= 4.5)
        // A moderate flag: the medium colour on the watch colour; a severe one: paper on high (above).
        #expect(Self.contrast(try #require(palette["medium"]), try #require(palette["watch"])) >= 4.5)
    }
}
