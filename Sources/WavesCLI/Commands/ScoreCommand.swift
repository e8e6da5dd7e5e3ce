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

    /// The `--json` document of `Result(scores: scores.rows, setAside: …)`, written as the rows
    /// come, `chunk` submissions at a time (`ScoreOutput.jsonRows`).
    static func writeJSON(_ scores: StreamedScores, chunk: Int = ScoreOutput.chunk, to write: (String) -> Void) throws {
        try writeJSONBytes(scores, chunk: chunk) { write(String(decoding: $0, as: UTF8.self)) }
    }

    static func writeJSONBytes(_ scores: StreamedScores, chunk: Int = ScoreOutput.chunk, _ write: (UnsafeRawBufferPointer) -> Void) throws {
        let frame = try JSONOutput.streamingFrame(Result(scores: [], setAside: scores.setAside.count), arrayKey: "scores")
        var head = frame.head, tail = frame.tail
        head.withUTF8 { write(UnsafeRawBufferPointer($0)) }
        try ScoreOutput.jsonRows(scores, chunk: chunk, write: write)
        tail.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// A row as `JSONOutput.encoder()` writes it (sorted keys, `null` for a missing role or
    /// score): these keys, each followed by its value (`json(_:)`, `ScoreOutput.appendJSON`).
    static let jsonKeys: [StaticString] = [#"{"answered":"#, #","instrument":"#, #","k":"#, #","participant":"#, #","role":"#,
                                           #","scale":"#, #","score":"#, #","wave":"#, "}"]
    static let jsonNull: StaticString = "null"

    /// A text as the encoder writes it, when it is printable ASCII without quote or backslash
    /// (nothing to escape); else nil, and the encoder writes the row.
    static func jsonString(_ s: String) -> String? { JSONOutput.isPlain(s) ? "\"" + s + "\"" : nil }

    /// A finite number as the encoder writes it: its `description` without a trailing ".0".
    static func jsonNumber(_ d: Double) -> String { JSONOutput.plainNumber(d) ?? d.description }

    /// One row as `JSONOutput.encoder()` writes it, when its texts are plain (`jsonString`) and
    /// its score is a number or missing; else nil, and the encoder writes it. JSONEncoder's cost
    /// per row was most of `waves score --json` at 100,000 participants (1.8 million rows);
    /// `JSONStreamTests` holds this to the encoder.
    static func json(_ r: ScoreRow) -> String? {
        guard let participant = jsonString(r.participant), let wave = jsonString(r.wave), let instrument = jsonString(r.instrument),
              let scale = jsonString(r.scale) else { return nil }
        let role: String
        if let t = r.role { guard let s = jsonString(t) else { return nil }; role = s } else { role = jsonNull.description }
        let score: String
        if let v = r.score { guard v.isFinite else { return nil }; score = jsonNumber(v) } else { score = jsonNull.description }
        let values = [jsonNumber(Double(r.answered)), instrument, jsonNumber(Double(r.k)), participant, role, scale, score, wave, ""]
        return zip(jsonKeys, values).map { $0.description + $1 }.joined()
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
        // Rows are written as `scores` holds them, by number (`ScoreOutput`): neither the rows
        // nor their text are held, and each distinct text and number is made once.
        if json { try Self.writeJSONBytes(scores, Output.bytes); return }
        if csv {
            let formulas = Self.writeCSV(scores, escapeFormulas: escapeFormulas, Output.bytes)
            if let line = FormulaNotice.line(file: nil, formulas, escaped: escapeFormulas) { Output.err(line) }
            return
        }
        Self.writeTables(scores, line: { Output.out($0) }, Output.bytes)
    }

    /// The `--csv` document: header, then the rows (`ScoreOutput.csvRows`, or one by one through
    /// the writer when a text begins like a formula, so that it counts their places). Returns
    /// the formula cells found.
    static func writeCSV(_ scores: StreamedScores, escapeFormulas: Bool, chunk: Int = ScoreOutput.chunk,
                         _ write: (UnsafeRawBufferPointer) -> Void) -> CSVWriter.FormulaCells {
        func record(_ s: String) { var s = s; s.withUTF8 { write(UnsafeRawBufferPointer($0)) } }
        var writer = CSVWriter(header: ["participant", "role", "wave", "instrument", "scale", "score", "answered", "k"], escapeFormulas: escapeFormulas)
        record(writer.headerRecord())
        if ScoreOutput.csvRows(scores, escapeFormulas: escapeFormulas, chunk: chunk, write: write) { return writer.formulaCells }
        var text = ""
        scores.forEachRow { r in
            text += writer.record([.text(r.participant), .text(r.role ?? ""), .text(r.wave), .text(r.instrument), .text(r.scale),
                                   r.score.map { .number($0) } ?? .text(""), .number(Double(r.answered)), .number(Double(r.k))])
            if text.utf8.count > 1 << 16 { record(text); text = "" }
        }
        record(text)
        return writer.formulaCells
    }

    /// The plain tables, one per instrument with scales: its title (a line through `line`, which
    /// makes it terminal-safe), the table (`ScoreOutput.table`: every cell through `SafeText.line`, so
    /// its bytes are terminal-safe as they are) and the closing counts.
    /// One submission is one line, also when an id holds U+0001 (the old table grouped rows by
    /// participant and wave joined with it, and kept that grouping for such ids).
    static func writeTables(_ scores: StreamedScores, chunk: Int = ScoreOutput.chunk, line: (String) -> Void, _ write: (UnsafeRawBufferPointer) -> Void) {
        for (position, inst) in scores.instruments.enumerated() where !inst.scales.isEmpty {
            line("\(inst.title) (\(inst.id) \(inst.version))")
            let counts = ScoreOutput.table(scores, instrumentAt: position, chunk: chunk, write: write)
            line("\(counts.administrations) administration(s); \(counts.missing) score(s) missing because fewer than min_answered items were answered.\n")
        }
    }
}
