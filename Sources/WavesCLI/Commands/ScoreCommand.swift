import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves score`: scale scores per participant and wave.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "score",
        abstract: "Scale scores per participant and wave (reverse keys applied, min_answered prorating).")

    @OptionGroup var options: StudyOptions
    @Option(help: "Only this instrument.") var instrument: String?
    @Flag(help: "CSV output.") var csv = false
    @Flag(help: "JSON output.") var json = false
    @Flag(help: "With --csv: prefix text cells that begin with = + - @ with an apostrophe, so spreadsheets do not run them.") var escapeFormulas = false

    func validate() throws {
        if escapeFormulas && !csv { throw ValidationError("--escape-formulas is used only with --csv") }
    }

    struct Result: Encodable {
        var scores: [ScoreRow]
        /// Answers set aside as missing because their item's rules reject them.
        var setAside: Int
        enum CodingKeys: String, CodingKey { case scores, setAside = "set_aside" }
    }

    /// The `--json` document of `Result(scores: scores.rows, setAside: …)`, written as the rows come.
    static func writeJSON(_ scores: StreamedScores, chunk: Int = 4096, to write: @escaping (String) -> Void = Output.record) throws {
        try JSONOutput.printStreaming(Result(scores: [], setAside: scores.setAside.count), arrayKey: "scores", of: ScoreRow.self,
                                      chunk: chunk, to: write, fast: json) { emit in
            try scores.forEachRow(emit)
        }
    }

    /// One row as `JSONOutput.encoder()` writes it (sorted keys, `null` for a missing role or
    /// score, a number as its `description` without a trailing ".0"), when its texts are
    /// printable ASCII without quote or backslash (nothing to escape); else nil, and the encoder
    /// writes it. JSONEncoder's cost per row was most of `waves score --json` at 100,000
    /// participants (1.1 million rows); `JSONStreamTests` holds this to the encoder.
    static func json(_ r: ScoreRow) -> String? {
        let plain = JSONOutput.isPlain, number = JSONOutput.plainNumber
        guard plain(r.participant), plain(r.wave), plain(r.instrument), plain(r.scale), r.role.map(plain) ?? true else { return nil }
        let score: String
        if let v = r.score { guard let s = number(v) else { return nil }; score = s } else { score = "null" }
        let role = r.role.map { "\"" + $0 + "\"" } ?? "null"
        return "{\"answered\":\(r.answered),\"instrument\":\"\(r.instrument)\",\"k\":\(r.k),\"participant\":\"\(r.participant)\",\"role\":\(role),"
            + "\"scale\":\"\(r.scale)\",\"score\":\(score),\"wave\":\"\(r.wave)\"}"
    }

    func run() throws {
        // Streamed (`StreamedScores`): the same rows and notes as from `StudyData`, without
        // holding every record.
        let bundle = try StudyLoader.load(directory: options.directory)
        let insts = try instrument.map { [try bundle.resolveInstrument($0)] } ?? bundle.instruments
        let scores = try StreamedScores.run(bundle: bundle, instruments: insts)
        StudyOptions.reportStoreNotes(study: bundle.study, duplicates: scores.duplicateCount, problems: scores.problems.count)
        StudyOptions.reportDrifts(scores.versions, bundle: bundle)
        let setAside = scores.setAside
        StudyOptions.reportSetAside(setAside)
        // Rows are written as `scores` hands them over: neither the rows nor their text are held.
        if json { try Self.writeJSON(scores); return }
        if csv {
            var writer = CSVWriter(header: ["participant", "role", "wave", "instrument", "scale", "score", "answered", "k"],
                                   escapeFormulas: escapeFormulas)
            var text = writer.headerRecord()
            scores.forEachRow { r in
                text += writer.record([.text(r.participant), .text(r.role ?? ""), .text(r.wave), .text(r.instrument), .text(r.scale),
                                       r.score.map { .number($0) } ?? .text(""), .number(Double(r.answered)), .number(Double(r.k))])
                if text.utf8.count > 1 << 16 { Output.record(text); text = "" }
            }
            Output.record(text)
            if let line = FormulaNotice.line(file: nil, writer.formulaCells, escaped: escapeFormulas) { Output.err(line) }
            return
        }
        for (position, inst) in insts.enumerated() where !inst.scales.isEmpty {
            Output.out("\(inst.title) (\(inst.id) \(inst.version))")
            let header = ["participant", "role", "wave"] + inst.scales.map(\.id)
            let right = Set(3..<(3 + inst.scales.count))
            // A first pass for the counts; then `TextTable.render` reads the submissions twice
            // (widths, then lines), so neither the rows nor their text are held (1.18 GB at
            // 100,000 participants when the table held them). One submission is one line, also
            // when an id holds U+0001 (the old table grouped rows by participant and wave joined
            // with it, and kept that grouping for such ids).
            var administrations = 0, missing = 0
            for rows in scores.submissions(instrumentAt: position) {
                administrations += 1
                missing += rows.lazy.filter { $0.score == nil }.count
            }
            // A scale id listed twice shows the last of its rows, as the grouping by scale id did.
            let column = inst.scales.map { s in inst.scales.lastIndex { $0.id == s.id }! }
            let lines = scores.submissions(instrumentAt: position).lazy.map { rows in
                ([rows[0].participant, rows[0].role ?? "–", rows[0].wave] + column.map { NumberText.fixed(rows[$0].score, 2) }).map(SafeText.line)
            }
            var text = ""
            TextTable.render(header: header.map(SafeText.line), rows: lines, rightAligned: right) { line in
                text += line
                text += "\n"
                if text.utf8.count >= 1 << 16 { Output.out(text, terminator: ""); text = "" }
            }
            Output.out(text, terminator: "")
            Output.out("\(administrations) administration(s); \(missing) score(s) missing because fewer than min_answered items were answered.\n")
        }
    }
}
