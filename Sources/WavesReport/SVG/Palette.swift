import Foundation

/// Okabe-Ito colours, safe for the common colour-vision deficiencies.
///
/// Okabe M, Ito K (2008). Color Universal Design: how to make figures and
/// presentations that are friendly to colorblind people. The order puts the
/// colours that stay apart in greyscale first; series also differ by marker
/// shape and dash pattern so that a black-and-white print still reads.
public enum Palette {
    public static let black = "#000000"
    public static let orange = "#E69F00"
    public static let skyBlue = "#56B4E9"
    public static let bluishGreen = "#009E73"
    public static let yellow = "#F0E442"
    public static let blue = "#0072B2"
    public static let vermillion = "#D55E00"
    public static let reddishPurple = "#CC79A7"

    /// Series colours in order of use.
    public static let series = [blue, vermillion, bluishGreen, reddishPurple, orange, skyBlue, black]
    /// Dash patterns in order of use ("" = solid).
    public static let dashes = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", ""]
    /// Marker shapes in order of use.
    public static let markers: [Marker] = [.circle, .square, .triangle, .diamond, .circle, .square, .triangle]

    public static func color(_ i: Int) -> String { series[i % series.count] }
    public static func dash(_ i: Int) -> String { dashes[i % dashes.count] }
    public static func marker(_ i: Int) -> Marker { markers[i % markers.count] }

    /// A marker shape for a series.
    public enum Marker: Sendable { case circle, square, triangle, diamond }

    /// A sequential light-to-dark blue ramp for heat maps (0...1), ending in Okabe-Ito blue.
    public static func ramp(_ t: Double) -> String {
        let x = Swift.min(1, Swift.max(0, t.isFinite ? t : 0))
        // From #F2F2F2 (nothing) to #0072B2 (complete).
        let a = (242.0, 242.0, 242.0), b = (0.0, 114.0, 178.0)
        let r = Int((a.0 + (b.0 - a.0) * x).rounded()), g = Int((a.1 + (b.1 - a.1) * x).rounded()), bl = Int((a.2 + (b.2 - a.2) * x).rounded())
        return String(format: "#%02X%02X%02X", r, g, bl)
    }
}
