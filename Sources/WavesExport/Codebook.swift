import Foundation
import WavesCore

/// The codebook: every variable of an export with its label, type, values, missing
/// codes, reverse keying, scale membership, scoring rule, waves and instrument version.
///
/// It describes the variables the same options give in a `.sav`/`.dta` file (with the
/// SPSS and Stata names), always including the scale scores (the variables `--scores`
/// adds and the exported syntax computes). Markdown for people, CSV for programs.
struct Codebook {
    let plan: ExportPlan

    static let csvHeader = ["variable", "spss_name", "stata_name", "kind", "instrument", "item", "wave", "label", "type", "measure",
                            "values", "missing", "reverse", "scales", "shown_if", "scoring", "asked_at", "instrument_version", "instrument_sha256"]

    /// The fields of one variable, in `csvHeader` order.
    func fields(_ v: ExportVariable) -> [String] {
        var kind = "identifier", instrument = "", itemID = "", type = "string", values = "", missing = "", reverse = "",
            scales = "", shownIf = "", scoring = "", askedAt = "", version = "", sha = ""
        var label = v.baseLabel
        if let inst = v.instrument {
            instrument = inst.id
            version = inst.version
            sha = inst.sha256
            askedAt = waves(of: inst).joined(separator: " ")
        }
        switch v.source {
        case .participant:
            values = plan.pseudonymized ? "pseudonyms p + 16 hex digits" : ""
        case .wave:
            values = plan.waves.map { "\($0.id)=\($0.label)" }.joined(separator: "; ")
        case .role:
            values = plan.study.roles.joined(separator: "; ")
        case .submitted:
            kind = "timestamp"
            type = plan.dates == .keep ? "string (ISO 8601 UTC timestamp)" : "string (YYYY-MM-DD, UTC)"
        case .item(_, let item):
            kind = "item"
            itemID = item.id
            label = TextLimits.oneLine(item.text)
            type = item.type.rawValue
            if let set = item.responseSet {
                values = set.options.map { "\(JSONWriter.number($0.value))=\(TextLimits.oneLine($0.label))" }.joined(separator: "; ")
                if let code = v.declineCode {
                    missing = "\(JSONWriter.number(code))=Prefer not to answer (SPSS user-missing; Stata .a; CSV declined)"
                }
                if item.reverse { reverse = "yes: scored as \(JSONWriter.number(set.minValue + set.maxValue)) - value" }
            } else if item.type == .number {
                values = [item.min.map { "min \(JSONWriter.number($0))" }, item.max.map { "max \(JSONWriter.number($0))" }].compactMap { $0 }.joined(separator: "; ")
            }
            if item.reverse && item.responseSet == nil { reverse = "yes" }
            if let inst = v.instrument { scales = inst.scales.filter { $0.items.contains(item.id) }.map(\.id).joined(separator: "; ") }
            shownIf = item.showIfSource ?? ""
        case .score(_, let scale):
            kind = "score"
            itemID = scale.id
            label = TextLimits.oneLine(scale.label)
            type = "score (\(scale.score.rawValue))"
            if let inst = v.instrument { scoring = Codebook.rule(scale, inst) }
        }
        return [v.name, v.spssName, v.stataName, kind, instrument, itemID, v.wave?.id ?? "", label, type, v.measure.rawValue,
                values, missing, reverse, scales, shownIf, scoring, askedAt, version, sha]
    }

    /// Waves (of the export) at which an instrument is given.
    func waves(of inst: Instrument) -> [String] { plan.waves(of: inst).map(\.id) }

    /// The scoring rule in words: "mean of a, b, c (reversed); missing when fewer than 2 of 3 are answered".
    static func rule(_ scale: Scale, _ inst: Instrument) -> String {
        let items = scale.items.map { id in (inst.item(id)?.reverse ?? false) ? "\(id) (reversed)" : id }.joined(separator: ", ")
        let k = scale.items.count
        let need = ScoringSyntax.minimumAnswered(scale)
        let what = scale.score == .sum ? "mean of \(items), times \(k) (prorated sum)" : "mean of \(items)"
        return "\(what); missing when fewer than \(need) of \(k) items are answered (min_answered \(JSONWriter.number(scale.minAnswered)))"
    }

    // MARK: - CSV

    /// The CSV codebook and its formula-like text cells (`CSVWriter`).
    func csv(escapeFormulas: Bool = false) -> (text: String, formulaCells: CSVWriter.FormulaCells) {
        var writer = CSVWriter(header: Codebook.csvHeader, escapeFormulas: escapeFormulas)
        var out = writer.headerRecord()
        for v in plan.variables { out += writer.record(fields(v).map(CSVWriter.Field.text)) }
        return (out, writer.formulaCells)
    }

    // MARK: - Markdown

    func markdown() -> String {
        var md = "# Codebook: \(cell(plan.study.title))\n\n"
        md += "- Study: \(code(plan.study.id))\n"
        md += plan.layout == .long
            ? "- Layout: long, one row per participant and wave (`wave` says which)\n"
            : "- Layout: wide, one row per participant; answers at a wave are named `<item>_<wave>`\n"
        md += "- Waves: " + plan.waves.map { "\(code($0.id)) \(cell($0.label)) (time \(JSONWriter.number($0.time)))" }.joined(separator: "; ") + "\n"
        md += "- Participants: " + (plan.pseudonymized
            ? "pseudonyms (keyed HMAC-SHA256; the same key gives the same pseudonym in every export of this study)"
            : "ids as in the study") + "\n"
        switch plan.dates {
        case .keep: md += "- Submission times: UTC timestamps\n"
        case .date: md += "- Submission times: reduced to the UTC date\n"
        case .drop: md += "- Submission times: left out\n"
        }
        if !plan.droppedText.isEmpty { md += "- Free-text items left out (de-identified): \(plan.droppedText.map(code).joined(separator: ", "))\n" }
        md += "- Missing values: an empty CSV cell, SPSS system-missing or Stata `.` is an answer skipped, an item not shown, or no submission. "
        md += "\"Prefer not to answer\" is `declined` in CSV, a labelled user-missing code in SPSS (-9 unless -9 is an option value) and `.a` in Stata.\n"
        md += "- Names: Waves names are used in CSV files; SPSS (64 bytes) and Stata (32 characters) names are shortened when longer, keeping the original at the start of the variable label.\n\n"

        md += "## Identifiers\n\n| variable | SPSS | Stata | label | type | values |\n|---|---|---|---|---|---|\n"
        for v in plan.variables where v.instrument == nil {
            let f = fields(v)
            md += "| \(code(v.name)) | \(code(v.spssName)) | \(code(v.stataName)) | \(cell(f[7])) | \(cell(f[8])) | \(cell(f[10])) |\n"
        }
        for inst in plan.instruments {
            md += "\n## \(cell(inst.title)) (\(code(inst.id)))\n\n"
            md += "Version \(cell(inst.version)), file \(code(inst.path)), SHA-256 \(code(inst.sha256)). Asked at: \(cell(waves(of: inst).joined(separator: ", "))).\n"
            if let seen = plan.versionsInData[inst.id], !seen.isEmpty {
                let list = seen.keys.sorted().map { "\(cell($0.version)) (\(code(String($0.sha256.prefix(12)) + "…"))): \(seen[$0]!) submission(s)" }
                let current = seen.keys.count == 1 && seen.keys.first!.sha256 == inst.sha256
                md += current ? "All exported responses were given on this version.\n"
                              : "Exported responses were given on: \(list.joined(separator: "; ")). Differences from the current file are not reconciled.\n"
            }
            let vars = plan.variables.filter { $0.instrument?.id == inst.id }
            md += "\n| variable | SPSS | Stata | label | type | values | reverse | scales | shown if |\n|---|---|---|---|---|---|---|---|---|\n"
            var setsUsed: [ResponseSet] = []
            for v in vars where v.scale == nil {
                let f = fields(v)
                var values = cell(f[10])
                if let set = v.item?.responseSet {
                    values = code(set.id)
                    if !setsUsed.contains(where: { $0.id == set.id }) { setsUsed.append(set) }
                }
                let reverse = f[12].isEmpty ? "" : "yes"
                md += "| \(code(v.name)) | \(code(v.spssName)) | \(code(v.stataName)) | \(cell(v.wave.map { "\($0.id): " } ?? "") + cell(f[7])) | \(cell(f[8])) | \(values) | \(reverse) | \(cell(f[13])) | \(f[14].isEmpty ? "" : code(f[14])) |\n"
            }
            if !setsUsed.isEmpty {
                md += "\n### Response sets\n\n"
                for set in setsUsed {
                    var opts = set.options.map { "\(JSONWriter.number($0.value)) = \(cell($0.label))" }
                    if set.allowDecline {
                        opts.append("\(JSONWriter.number(ExportVariable.declineCode(for: set))) = Prefer not to answer (missing: SPSS user-missing code, Stata `.a`, CSV `declined`)")
                    }
                    md += "- \(code(set.id)): " + opts.joined(separator: "; ") + "\n"
                }
                let reversed = vars.compactMap(\.item).filter { $0.reverse && $0.responseSet != nil }
                var seen = Set<String>()
                let lines = reversed.filter { seen.insert($0.id).inserted }.map { item -> String in
                    let set = item.responseSet!
                    return "\(code(item.id)) (\(JSONWriter.number(set.minValue + set.maxValue)) - value)"
                }
                if !lines.isEmpty { md += "\nReverse-keyed items, reversed before scoring: " + lines.joined(separator: ", ") + ".\n" }
            }
            let scoreVars = vars.filter { $0.scale != nil }
            if !scoreVars.isEmpty {
                md += "\n### Scales\n\n| variable | SPSS | Stata | scale | label | scoring |\n|---|---|---|---|---|---|\n"
                for v in scoreVars {
                    md += "| \(code(v.name)) | \(code(v.spssName)) | \(code(v.stataName)) | \(code(v.scale!.id)) | \(cell(TextLimits.oneLine(v.scale!.label))) | \(cell(Codebook.rule(v.scale!, inst))) |\n"
                }
            }
        }
        return md
    }

    /// Text safe inside a Markdown table cell: one line, controls removed (`TextLimits.oneLine`), `\\` and `|` escaped.
    func cell(_ s: String) -> String {
        TextLimits.oneLine(s).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
    }

    /// A code span (`SafeText.markdownCode`): ids, paths, hashes and conditions, controls removed.
    func code(_ s: String) -> String { SafeText.markdownCode(s) }
}
