import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore
import WavesExport

/// `waves export`: the study's data as CSV, SPSS, Stata or a codebook.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export",
        abstract: "Export the data: csv-long, csv-wide, codebook (.md/.csv), sav (with .sps and .R scoring syntax) or dta.",
        discussion: """
        csv-long is the shape `waves import` reads (one instrument per file: pass --instrument, or give --out \
        an existing folder for one file per instrument). sav and dta default to the long layout, one row per \
        participant and wave; --layout wide gives one row per participant with <item>_<wave> variables. \
        --deidentify replaces participant ids by keyed pseudonyms (HMAC-SHA256 with the secret in --key-file), \
        drops free text unless --keep-text, and reduces timestamps to dates unless --dates says otherwise. \
        See docs/export.md and docs/deidentification.md.
        """)

    @OptionGroup var options: StudyOptions
    @Option(help: "csv-long, csv-wide, codebook, sav, dta, qdpx (REFI-QDA project of the coded free text) or codebook-qdc.") var format: ExportFormat
    @Option(help: "The file to write (for codebook: .md or .csv).") var out: String
    @Flag(help: "Add scale scores (csv-wide, sav, dta, codebook).") var scores = false
    @Option(help: "long (one row per participant and wave) or wide (one row per participant); sav, dta and codebook.") var layout: ExportLayout?
    @Option(help: "Only this instrument.") var instrument: String?
    @Option(help: "Only these waves, comma separated (e.g. w1,w3).") var waves: WaveList?
    @Flag(help: "Replace participant ids by keyed pseudonyms and drop free text.") var deidentify = false
    @Option(help: "The secret for --deidentify pseudonyms (at least 16 bytes; keep it apart from the data).") var keyFile: String?
    @Flag(help: "With --deidentify: keep free-text answers.") var keepText = false
    @Option(help: "Submission timestamps: keep, date or drop (default: keep; date with --deidentify).") var dates: DatePolicy?
    @Option(help: "qdpx and codebook-qdc: the codebook (default: the study's only one).") var codebook: String?
    @OptionGroup var fileMode: OutputModeOption
    @Flag(help: "CSV output: prefix text cells that begin with = + - @ with an apostrophe, so spreadsheets do not run them.") var escapeFormulas = false

    func validate() throws {
        if deidentify && keyFile == nil { throw ValidationError("--deidentify needs --key-file K (a file holding a secret of at least 16 bytes, e.g. `openssl rand -hex 32 > K`)") }
        if !deidentify && keyFile != nil { throw ValidationError("--key-file is used only with --deidentify") }
        if escapeFormulas, format == .sav || format == .dta || (format == .codebook && !out.lowercased().hasSuffix(".csv")) {
            throw ValidationError("--escape-formulas applies to CSV files (csv-long, csv-wide, codebook .csv), not to \(format == .codebook ? "a Markdown codebook" : format.rawValue)")
        }
        if !deidentify && keepText { throw ValidationError("--keep-text is used only with --deidentify (without it free text is always exported)") }
    }

    private func warnIfKeyInside(_ study: Study) {
        if deidentify, let k = keyFile, Deidentification.keyFile(URL(fileURLWithPath: k), isInside: study.directory) {
            Output.err("warning: the key file \(k) is inside the study folder; keep the key apart from the data (whoever is given the folder could recompute every pseudonym).")
        }
    }

    func run() throws {
        let fmt = format
        var opts = ExportOptions(instrument: instrument, waves: waves?.ids, scores: scores, layout: layout, dates: dates)
        opts.codebook = codebook
        opts.escapeFormulas = escapeFormulas
        if deidentify, let k = keyFile {
            opts.deidentification = try Deidentification(keyFile: URL(fileURLWithPath: k), keepText: keepText)
        }
        opts.mode = fileMode.mode
        let url = URL(fileURLWithPath: out)
        let result: ExportResult
        if fmt == .qdpx || fmt == .codebookQdc {
            // One streaming pass over the store for the free texts and record ids
            // (`StreamedCodingUnits`; codebook-qdc needs only the notes): no record is kept.
            let data = try StreamedCodingUnits.load(directory: options.directory, units: fmt == .qdpx)
            StudyOptions.reportStoreNotes(study: data.study, duplicates: data.duplicateCount, problems: data.problems.count)
            StudyOptions.reportDrifts(data.versions, bundle: data.bundle)
            warnIfKeyInside(data.study)
            result = try QDPXExporter.export(data, format: fmt, to: url, options: opts)
        } else {
            // One streaming pass over the store into columns: memory stays near the dense answer
            // matrix. The codebook writes no cell: its pass keeps no answer.
            let data = try ExportData.load(directory: options.directory, options: opts, answers: fmt != .codebook)
            StudyOptions.reportStoreNotes(study: data.study, duplicates: data.duplicateCount, problems: data.problems.count)
            StudyOptions.reportDrifts(try? data.instrumentVersions(), bundle: data.bundle)
            warnIfKeyInside(data.study)
            result = try Exporter.export(data, format: fmt, to: url, options: opts)
        }
        let shown = result.files.map { $0.path }
        if fmt == .qdpx || fmt == .codebookQdc {
            Output.out("Wrote \(shown[0]) (REFI-QDA: \(fmt == .qdpx ? "\(result.rows) source(s), " : "")\(result.variables) code(s)).")
        } else if fmt == .codebook {
            Output.out("Wrote \(shown[0]) (codebook of \(result.variables) variables).")
        } else {
            Output.out("Wrote \(shown.joined(separator: ", ")) (\(result.rows) row(s), \(result.variables) variable(s)).")
        }
        for n in result.notes { Output.err("note: " + n) }
        for f in result.formulaCells {
            if let line = FormulaNotice.line(file: f.file.path, f.cells, escaped: escapeFormulas) { Output.err(line) }
        }
    }
}
