import Foundation
import WavesAnalysis
import WavesCore

/// The participant-flow diagram (CONSORT / STROBE item 13 style) of a `FlowReport`.
///
/// One column per wave, top to bottom: enrolled (first wave) or carried on from the first
/// wave, invited, consented, started, completed, analysed; a side box per wave with those
/// lost and why. Every number is the one of `waves flow --json`; a count that cannot be
/// known (no invitation or consent log) is drawn as "not recorded".
public enum FlowDiagram {
    static let boxW = 200.0, boxH = 34.0, gap = 16.0, colGap = 36.0, sideH = 86.0

    public static func svg(_ flow: FlowReport, id: String = "flow-diagram") -> String {
        let cols = max(1, flow.waves.count)
        let stages: [(String, (FlowReport.WaveFlow) -> Int?)] = [
            ("Enrolled", { $0.enrolled }), ("Invited", { $0.invited }), ("Consented", { $0.consented }),
            ("Started", { $0.started }), ("Completed", { $0.completed }), ("Analysed", { $0.analysed }),
        ]
        let top = 40.0
        let width = Double(cols) * boxW + Double(cols - 1) * colGap + 40
        let height = top + Double(stages.count) * (boxH + gap) + sideH + 30
        let desc = flow.waves.map { w in
            "\(w.wave): enrolled \(w.enrolled), invited \(count(w.invited)), consented \(count(w.consented)), started \(w.started), completed \(w.completed), analysed \(w.analysed), withdrawn \(w.withdrawn), lost \(w.lost)"
        }.joined(separator: "; ")
        var doc = SVGDocument(id: id, width: width, height: height, title: "Participant flow by wave", desc: desc)
        for (ci, w) in flow.waves.enumerated() {
            let x = 20 + Double(ci) * (boxW + colGap)
            doc.text(x + boxW / 2, 24, "Wave \(w.wave)", anchor: .middle, size: 14, weight: "bold")
            var y = top
            for (si, (label, value)) in stages.enumerated() {
                let v = value(w)
                doc.rect(x, y, boxW, boxH, fill: "#F4F6FA", stroke: "#4A5A7A", width: 1)
                doc.text(x + boxW / 2, y + boxH / 2 + 4, "\(label): \(count(v))", anchor: .middle, size: 12,
                         fill: v == nil ? "#777777" : "#222222")
                if si < stages.count - 1 {
                    doc.line(x + boxW / 2, y + boxH, x + boxW / 2, y + boxH + gap, stroke: "#4A5A7A")
                }
                y += boxH + gap
            }
            // The lost box under the column.
            doc.rect(x, y, boxW, sideH, fill: "#FFFFFF", stroke: "#A04A4A", width: 1, tooltip: FlowReport.definitionsLost)
            let r = w.lostReasons
            let lines = ["Lost: \(w.lost)", "withdrew \(r.withdrawn), declined \(r.declined)",
                         "started, not completed \(r.incomplete)", "no response \(r.noResponse)"]
            for (li, s) in lines.enumerated() {
                doc.text(x + 8, y + 18 + Double(li) * 17, s, size: 11, weight: li == 0 ? "bold" : nil)
            }
        }
        return doc.markup
    }

    static func count(_ v: Int?) -> String { v.map(String.init) ?? "not recorded" }
}

extension FlowReport {
    /// The caption line of the lost box.
    static var definitionsLost: String { FlowAnalysis.definitions["lost"] ?? "" }
}
