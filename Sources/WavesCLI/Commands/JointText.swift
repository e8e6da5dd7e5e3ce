import Foundation
import WavesAnalysis
import WavesCore

/// The joint display as text tables (`waves agreement --joint`).
enum JointText {
    static func render(_ d: JointDisplay) -> String {
        var out = [SafeText.line("Joint display, codebook \(d.codebook): \(d.unitsCoded) coded unit(s); codes from \(d.source)")]
        // Frequencies: one column per wave x role with units.
        let cols = d.frequencies.filter { $0.code == d.codes.first?.code && $0.unitsCoded > 0 }.map { ($0.wave, $0.role) }
        var t = TextTable(["code"] + cols.map { "\($0.0) \($0.1 ?? "other")" }, rightAligned: Set(1...max(cols.count, 1)))
        for c in d.codes {
            var row = [String(repeating: "  ", count: c.depth) + SafeText.line(c.label)]
            for (w, r) in cols {
                if let f = d.frequencies.first(where: { $0.code == c.code && $0.wave == w && $0.role == r }) {
                    row.append("\(f.units)/\(f.unitsCoded) \(f.share.map { NumberText.percent($0) } ?? "")")
                }
            }
            t.add(row)
        }
        out += ["", "Units carrying each code, by wave and role (units with the code / coded units):", t.render()]
        var co = TextTable(["code"] + d.codes.indices.map { "\($0 + 1)" }, rightAligned: Set(1...max(d.codes.count, 1)))
        for (i, c) in d.codes.enumerated() {
            co.add(["\(i + 1) " + SafeText.line(c.code)] + d.cooccurrence[i].map { "\($0)" })
        }
        out += ["", "Co-occurrence (units carrying both codes; the diagonal: units carrying the code):", co.render()]
        if let s = d.scale, let from = d.from, let to = d.to {
            var ch = TextTable(["code", "n with", "mean change", "up/same/down", "n without", "mean change", "up/same/down", "difference"],
                               rightAligned: [1, 2, 4, 5, 7])
            for c in d.change {
                ch.add([SafeText.line(c.label), "\(c.with.n)", NumberText.fixed(c.with.meanChange), "\(c.with.increase)/\(c.with.noChange)/\(c.with.decrease)",
                        "\(c.without.n)", NumberText.fixed(c.without.meanChange), "\(c.without.increase)/\(c.without.noChange)/\(c.without.decrease)",
                        NumberText.fixed(c.difference)])
            }
            out += ["", SafeText.line("Change in \(s) from \(from) to \(to), participants whose answers carry the code against the others (up/same/down: reliable change, Jacobson-Truax):"), ch.render()]
        }
        for n in d.notes { out.append("note: " + SafeText.line(n)) }
        return out.joined(separator: "\n")
    }
}
