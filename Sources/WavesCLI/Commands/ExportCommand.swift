import ArgumentParser
import Foundation
import WavesAnalysis
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
    @Option(help: "csv-long, csv-wide, codebook, sav, dta, qdpx (REFI-QDA project of the coded free text) or codebook-qdc.") var format: String
    @Option(help: "The file to write (for codebook: .md or .csv).") var out: String
    @Flag(help: "Add scale scores (csv-wide, sav, dta, codebook).") var scores = false
    @Option(help: "long (one row per participant and wave) or wide (one row per participant); sav, dta and codebook.") var layout: String?
    @Option(help: "Only this instrument.") var instrument: String?
    @Option(help: "Only these waves, comma separated (e.g. w1,w3).") var waves: String?
    @Flag(help: "Replace participant ids by keyed pseudonyms and drop free text.") var deidentify = false
    @Option(help: "The secret for --deidentify pseudonyms (at least 16 bytes; keep it apart from the data).") var keyFile: String?
    @Flag(help: "With --deidentify: keep free-text answers.") var keepText = false
    @Option(help: "Submission timestamps: keep, date or drop (default: keep; date with --deidentify).") var dates: String?
    @Option(help: "qdpx and codebook-qdc: the codebook (default: the study's only one).") var codebook: String?
    @OptionGroup var fileMode: OutputModeOption
    @Flag(help: "CSV output: prefix text cells that begin with = + - @ with an apostrophe, so spreadsheets do not run them.") var escapeFormulas = false

    func validate() throws {
        guard ExportFormat(rawValue: format) != nil else {
            throw ValidationError("unknown format '\(format)' (use one of: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let l = layout, ExportLayout(rawValue: l) == nil { throw ValidationError("unknown layout '\(l)' (use long or wide)") }
        if let d = dates, DatePolicy(rawValue: d) == nil { throw ValidationError("unknown --dates '\(d)' (use keep, date or drop)") }
        if deidentify && keyFile == nil { throw ValidationError("--deidentify needs --key-file K (a file holding a secret of at least 16 bytes, e.g. `openssl rand -hex 32 > K`)") }
        if !deidentify && keyFile != nil { throw ValidationError("--key-file is used only with --deidentify") }
        if escapeFormulas, format == "sav" || format == "dta" || (format == "codebook" && !out.lowercased().hasSuffix(".csv")) {
            throw ValidationError("--escape-formulas applies to CSV files (csv-long, csv-wide, codebook .csv), not to \(format == "codebook" ? "a Markdown codebook" : format)")
        }
        if !deidentify && keepText { throw ValidationError("--keep-text is used only with --deidentify (without it free text is always exported)") }
    }

    func run() throws {
        let fmt = ExportFormat(rawValue: format)!
        var opts = ExportOptions(instrument: instrument, scores: scores, layout: layout.flatMap(ExportLayout.init(rawValue:)),
                                 dates: dates.flatMap(DatePolicy.init(rawValue:)))
        opts.codebook = codebook
        opts.escapeFormulas = escapeFormulas
        if let w = waves {
            opts.waves = w.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if deidentify, let k = keyFile {
            opts.deidentification = try Deidentification(keyFile: URL(fileURLWithPath: k), keepText: keepText)
        }
        opts.mode = fileMode.mode
        let data = try options.loadData()
        if deidentify, let k = keyFile, Deidentification.keyFile(URL(fileURLWithPath: k), isInside: data.study.directory) {
            Output.err("warning: the key file \(k) is inside the study folder; keep the key apart from the data (whoever is given the folder could recompute every pseudonym).")
        }
        let url = URL(fileURLWithPath: out)
        let result = try Exporter.export(data, format: fmt, to: url, options: opts)
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
