import Foundation
import WavesCore

/// SPSS and R syntax that reproduce Waves' scoring from an exported `.sav` file.
///
/// Both reverse the reverse-keyed items as `(min + max) - value` into new `<item>_r`
/// variables, compute every scale as the mean of the answered items when at least
/// `ceil(min_answered x k)` are answered (`sum` scales: that mean x k), and run
/// Cronbach's alpha per scale and wave on the participants who answered every item
/// (SPSS RELIABILITY; R `psych::alpha` raw_alpha on complete cases), which is what
/// `waves score` and `waves reliability` report.
struct ScoringSyntax {
    /// A plan built with scores, so that every scale has its variable and name.
    let plan: ExportPlan
    let dataFile: String

    /// One scale at one slot (an instrument, or an instrument at a wave in the wide layout).
    struct ScaleUse {
        var scale: Scale
        var instrument: Instrument
        var wave: Wave?
        var scoreName: String
        /// The variables scored, reversed ones replaced by their `_r` names, in scale order.
        var items: [String]
    }

    struct Reversal {
        var source: String
        var target: String
        var pairs: [(Double, Double)]
        var min: Double
        var max: Double
        var label: String
    }

    /// Minimum number of answered items: ceil(min_answered x k - 1e-9), at least 1 (as `Scoring.score`).
    static func minimumAnswered(_ scale: Scale) -> Int {
        max(1, Int((scale.minAnswered * Double(scale.items.count) - 1e-9).rounded(.up)))
    }

    /// The reversals and scale uses, with `_r` names that clash with no variable of the plan.
    func layout() -> (reversals: [Reversal], uses: [ScaleUse]) {
        var namer = VariableNamer(.spss)
        for v in plan.variables { namer.reserve(v.spssName) }
        var itemVar: [String: ExportVariable] = [:]   // "slot|item" -> variable
        func slot(_ s: ExportVariable.Source) -> Int? {
            switch s {
            case .item(let k, _), .score(let k, _), .submitted(let k): return k
            default: return nil
            }
        }
        for v in plan.variables { if let item = v.item, let k = slot(v.source) { itemVar["\(k)|\(item.id)"] = v } }
        var reversals: [Reversal] = []
        var reversedName: [String: String] = [:]
        var uses: [ScaleUse] = []
        for v in plan.variables {
            guard let scale = v.scale, let inst = v.instrument, let k = slot(v.source) else { continue }
            var names: [String] = []
            for id in scale.items {
                guard let iv = itemVar["\(k)|\(id)"], let item = iv.item else { continue }
                if item.reverse, let set = item.responseSet {
                    if let r = reversedName[iv.spssName] { names.append(r); continue }
                    let target = namer.name(for: iv.spssName + "_r", keepingSuffix: "_r")
                    reversedName[iv.spssName] = target
                    reversals.append(Reversal(source: iv.spssName, target: target,
                                              pairs: set.options.map { ($0.value, set.minValue + set.maxValue - $0.value) },
                                              min: set.minValue, max: set.maxValue,
                                              label: "\(iv.name) reversed: \(iv.baseLabel)"))
                    names.append(target)
                } else {
                    names.append(iv.spssName)
                }
            }
            uses.append(ScaleUse(scale: scale, instrument: inst, wave: v.wave, scoreName: v.spssName, items: names))
        }
        return (reversals, uses)
    }

    // MARK: - SPSS

    func spss() -> String {
        let (reversals, uses) = layout()
        var s = "* Encoding: UTF-8.\n"
        s += "* Scoring syntax for \(line(dataFile)), written by `waves export` for study \(line(plan.study.id)).\n"
        s += "* Run it from the folder that holds \(line(dataFile)) (or edit the GET FILE path).\n"
        s += "* It reverses reverse-keyed items, computes every scale score with its min_answered\n"
        s += "* rule and runs RELIABILITY per scale and wave, reproducing `waves score` and the\n"
        s += "* alphas of `waves reliability` (participants who answered every item).\n\n"
        s += "GET FILE=\(quote(dataFile)).\n\n"
        if !reversals.isEmpty {
            s += "* Reverse-keyed items: (min + max) - value. \"Prefer not to answer\" and any other\n* value outside the response options become system-missing.\n"
            for r in reversals {
                let pairs = r.pairs.map { "(\(num($0.0))=\(num($0.1)))" }.joined(separator: " ")
                s += wrap("RECODE \(r.source) \(pairs) (ELSE=SYSMIS) INTO \(r.target).") + "\n"
                s += "VARIABLE LABELS \(r.target) \(quote(TextLimits.fit(r.label, maxBytes: TextLimits.spssVariableLabel))).\n"
                s += "FORMATS \(r.target) (F8.0).\n"
            }
            s += "\n"
        }
        s += "* Scale scores: MEAN.n is the mean of the answered items when at least n are answered.\n"
        for u in uses {
            let n = ScoringSyntax.minimumAnswered(u.scale)
            let k = u.scale.items.count
            let times = u.scale.score == .sum ? " * \(k)" : ""
            s += wrap("COMPUTE \(u.scoreName) = MEAN.\(n)(\(u.items.joined(separator: ", ")))\(times).") + "\n"
            let label = "Scale score: " + TextLimits.oneLine(u.scale.label) + (u.wave.map { " (\($0.id))" } ?? "")
            s += "VARIABLE LABELS \(u.scoreName) \(quote(TextLimits.fit(label, maxBytes: TextLimits.spssVariableLabel))).\n"
            s += "FORMATS \(u.scoreName) (F8.2).\n"
        }
        s += "EXECUTE.\n\n"
        s += "* Cronbach's alpha per scale and wave (listwise: participants who answered every item).\n"
        for u in uses {
            guard u.items.count >= 2 else {
                s += "* \(line(u.scale.id)): fewer than two items, no alpha.\n"
                continue
            }
            let waves: [Wave?] = plan.layout == .long ? plan.waves(of: u.instrument) : [u.wave]
            for w in waves {
                if plan.layout == .long, let w {
                    s += "TEMPORARY.\nSELECT IF (wave = \(quote(w.id))).\n"
                }
                let name = "\(u.instrument.id).\(u.scale.id)" + (w.map { " at \($0.id)" } ?? "")
                s += "RELIABILITY\n" + wrap("  /VARIABLES=\(u.items.joined(separator: " "))") + "\n"
                s += "  /SCALE(\(quote(name))) ALL\n  /MODEL=ALPHA.\n"
            }
        }
        s += "\n* Mean scale scores.\n"
        let names = uses.map(\.scoreName)
        if plan.layout == .long {
            s += wrap("MEANS TABLES=\(names.joined(separator: " ")) BY wave\n  /CELLS=MEAN COUNT STDDEV.") + "\n"
        } else {
            s += wrap("DESCRIPTIVES VARIABLES=\(names.joined(separator: " "))\n  /STATISTICS=MEAN STDDEV MIN MAX.") + "\n"
        }
        return s
    }

    /// An SPSS string literal: one line without control characters (SPSS has no escapes), quotes doubled.
    func quote(_ s: String) -> String { "'" + line(s).replacingOccurrences(of: "'", with: "''") + "'" }

    /// Text from the study inside a comment or literal: one line, controls removed (`TextLimits.oneLine`).
    func line(_ s: String) -> String { TextLimits.oneLine(s) }

    func num(_ d: Double) -> String { JSONWriter.number(d) }

    /// Breaks a long command after spaces or commas so that no line exceeds 80 bytes
    /// (continuation lines are indented, as SPSS batch syntax needs).
    func wrap(_ line: String) -> String {
        var out: [String] = []
        for physical in line.split(separator: "\n", omittingEmptySubsequences: false) {
            var rest = Substring(physical)
            var first = true
            while rest.utf8.count > 80 {
                let limit = rest.index(rest.startIndex, offsetBy: min(rest.count, first ? 78 : 74))
                guard let cut = rest[..<limit].lastIndex(where: { $0 == " " || $0 == "," }), cut > rest.startIndex else { break }
                let head = String(rest[...cut])
                out.append(first ? String(head.reversed().drop { $0 == " " }.reversed()) : "    " + head.trimmingCharacters(in: .whitespaces))
                rest = rest[rest.index(after: cut)...].drop { $0 == " " }
                first = false
            }
            out.append((first ? "" : "    ") + rest)
        }
        return out.joined(separator: "\n")
    }

    // MARK: - R

    func r() -> String {
        let (reversals, uses) = layout()
        var s = "# Scoring syntax for \(line(dataFile)), written by `waves export` for study \(line(plan.study.id)).\n"
        s += "# Reproduces `waves score` (reverse keys, min_answered) and the alphas of\n"
        s += "# `waves reliability` (psych::alpha raw_alpha on the participants who answered\n"
        s += "# every item of the scale at that wave).\n"
        s += "# Run it from the folder that holds \(line(dataFile)):  Rscript \(rString((dataFile as NSString).deletingPathExtension + ".R").dropFirst().dropLast())\n"
        s += "library(haven)\n"
        s += "if (!requireNamespace(\"psych\", quietly = TRUE)) stop(\"this script needs the psych package: install.packages(\\\"psych\\\")\")\n\n"
        s += "d <- read_sav(\(rString(dataFile)), user_na = FALSE)  # \"Prefer not to answer\" becomes NA\n"
        s += "d <- zap_labels(d)\n\n"
        s += "waves_score <- function(items, n, k, sum = FALSE) {\n"
        s += "  m <- as.matrix(items)\n"
        s += "  answered <- rowSums(!is.na(m))\n"
        s += "  s <- ifelse(answered >= n & answered > 0, rowMeans(m, na.rm = TRUE), NA_real_)\n"
        s += "  if (sum) s * k else s\n}\n\n"
        s += "waves_alpha <- function(scale, wave, items) {\n"
        s += "  x <- na.omit(as.data.frame(items))\n"
        s += "  a <- if (nrow(x) >= 2 && ncol(x) >= 2) psych::alpha(x, check.keys = FALSE, warnings = FALSE)$total$raw_alpha else NA_real_\n"
        s += "  data.frame(scale = scale, wave = wave, n = nrow(x), k = ncol(x), alpha = a)\n}\n\n"
        if !reversals.isEmpty {
            s += "# Reverse-keyed items: (min + max) - value.\n"
            for r in reversals {
                s += "d[[\(rString(r.target))]] <- \(num(r.min + r.max)) - d[[\(rString(r.source))]]\n"
            }
            s += "\n"
        }
        s += "# Scale scores: mean of the answered items when at least n of k are answered.\n"
        for u in uses {
            let n = ScoringSyntax.minimumAnswered(u.scale)
            let sum = u.scale.score == .sum ? ", sum = TRUE" : ""
            s += "d[[\(rString(u.scoreName))]] <- waves_score(d[\(rVector(u.items))], n = \(n), k = \(u.scale.items.count)\(sum))\n"
        }
        s += "\n# Cronbach's alpha per scale and wave.\nalphas <- rbind(\n"
        var rows: [String] = []
        for u in uses where u.items.count >= 2 {
            let waves: [Wave?] = plan.layout == .long ? plan.waves(of: u.instrument) : [u.wave]
            for w in waves {
                let name = rString("\(u.instrument.id).\(u.scale.id)")
                let wid = rString(w?.id ?? "")
                let rowsSel = plan.layout == .long && w != nil ? "d$wave == \(wid)" : ""
                rows.append("  waves_alpha(\(name), \(wid), d[\(rowsSel), \(rVector(u.items))])")
            }
        }
        s += rows.joined(separator: ",\n") + "\n)\nprint(alphas, digits = 4)\n\n"
        s += "# Mean scale scores.\n"
        let names = rVector(uses.map(\.scoreName))
        if plan.layout == .long {
            s += "scores <- as.data.frame(d[c(\"participant\", \"wave\", \(uses.map { rString($0.scoreName) }.joined(separator: ", ")))])\n"
            s += "print(aggregate(scores[\(names)], by = list(wave = scores$wave), FUN = function(x) mean(x, na.rm = TRUE)), digits = 4)\n"
        } else {
            s += "scores <- as.data.frame(d[c(\"participant\", \(uses.map { rString($0.scoreName) }.joined(separator: ", ")))])\n"
            s += "print(colMeans(scores[\(names)], na.rm = TRUE), digits = 4)\n"
        }
        return s
    }

    /// An R string literal: backslashes and quotes escaped, control characters (newlines, ESC,
    /// bidirectional marks: `SafeText.isControl`) as `\\u{XXXX}` escapes, so the value is exact
    /// and no raw control reaches the file.
    func rString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                if SafeText.isControl(u) { out += "\\u{" + String(u.value, radix: 16) + "}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    func rVector(_ names: [String]) -> String { "c(" + names.map(rString).joined(separator: ", ") + ")" }
}
