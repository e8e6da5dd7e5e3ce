import Foundation
import WavesAnalysis
import WavesCore

/// `waves export`: the study's data as CSV, SPSS, Stata or a codebook.
///
/// Every file is checked first (`StudyFiles`: never the study's own files, never through a
/// link), then written under a temporary name with the export's mode (0600 unless
/// `ExportOptions.mode` widens it) and renamed into place, so a failed export leaves no
/// partial file. Exports with no rows are refused with a clear message (a codebook needs no
/// data and is always written).
public enum Exporter {
    /// Writes `data` in `format` to `url` (for `sav` also the `.sps` and `.R` syntax next to it).
    public static func export(_ data: StudyData, format: ExportFormat, to url: URL, options: ExportOptions = ExportOptions()) throws -> ExportResult {
        if format == .qdpx || format == .codebookQdc { return try QDPXExporter.export(data, format: format, to: url, options: options) }
        return try export(ExportData(data, options: options), format: format, to: url, options: options)
    }

    /// Writes the columns of a streamed store (`ExportData.load`) in `format` to `url`; every
    /// format but qdpx and codebook-qdc (which read the coded texts of a `StudyData`).
    public static func export(_ data: ExportData, format: ExportFormat, to url: URL, options: ExportOptions = ExportOptions()) throws -> ExportResult {
        if let l = options.layout, !format.acceptsLayout, l != format.defaultLayout {
            throw ExportError.layoutNotApplicable(format: format.rawValue, layout: l.rawValue)
        }
        if format == .csvLong && options.scores { throw ExportError.scoresNotApplicable(format: format.rawValue) }
        if format != .codebook && !data.hasAnswers {
            throw ExportError.cannotWrite(path: url.path, reason: "the export's data were read without their answers (only a codebook is written from such data)")
        }
        let layout = options.layout ?? format.defaultLayout
        switch format {
        case .csvLong:
            return try exportCSVLong(data, to: url, options: options)
        case .csvWide:
            let target = try outputTarget(url, data, options)
            let plan = try ExportPlan.build(data, options: options, layout: .wide, scores: options.scores, dates: options.effectiveDates)
            try requireRows(plan, data, options)
            let formulas = try CSVExporter.write(plan, to: target, escapeFormulas: options.escapeFormulas)
            var result = ExportResult(files: [url], rows: plan.rows.count, variables: plan.variables.count, notes: notes(plan))
            if !formulas.isEmpty { result.formulaCells = [FormulaCellsInFile(file: url, cells: formulas)] }
            return result
        case .sav, .dta:
            let target = try outputTarget(url, data, options)
            if format == .sav, ["sps", "r"].contains(url.pathExtension.lowercased()) {
                throw ExportError.cannotWrite(path: url.path, reason: "the .sps and .R syntax files are written next to the data under its name; give the data file a .sav name")
            }
            var spsTarget: OutputTarget?, rTarget: OutputTarget?
            if format == .sav {
                // The side files are checked before anything is computed or written.
                let stem = url.deletingPathExtension()
                spsTarget = try outputTarget(stem.appendingPathExtension("sps"), data, options)
                rTarget = try outputTarget(stem.appendingPathExtension("R"), data, options)
            }
            let plan = try ExportPlan.build(data, options: options, layout: layout, scores: options.scores, dates: options.effectiveDates)
            try requireRows(plan, data, options)
            var notes = notes(plan)
            notes += try StatFileWriter.write(plan, kind: format == .sav ? .sav : .dta, to: target)
            var files = [url]
            if let sps = spsTarget, let r = rTarget {
                // The syntax scores every scale whether or not --scores put the scores in the file.
                let scored = try ExportPlan.build(data, options: options, layout: layout, scores: true, dates: options.effectiveDates, rows: false)
                let scoring = ScoringSyntax(plan: scored, dataFile: url.lastPathComponent)
                try writeText(scoring.spss(), to: sps)
                try writeText(scoring.r(), to: r)
                files += [sps.url, r.url]
            }
            return ExportResult(files: files, rows: plan.rows.count, variables: plan.variables.count, notes: notes)
        case .qdpx, .codebookQdc:
            throw ExportError.cannotWrite(path: url.path, reason: "\(format.rawValue) is written from the loaded study (Exporter.export with StudyData)")
        case .codebook:
            let target = try outputTarget(url, data, options)
            let ext = url.pathExtension.lowercased()
            guard ext == "md" || ext == "csv" else { throw ExportError.codebookExtension(url.lastPathComponent) }
            let plan = try ExportPlan.build(data, options: options, layout: layout, scores: true, dates: options.effectiveDates)
            let book = Codebook(plan: plan)
            var result = ExportResult(files: [url], rows: 0, variables: plan.variables.count, notes: notes(plan))
            if ext == "md" {
                try writeText(book.markdown(), to: target)
            } else {
                let csv = book.csv(escapeFormulas: options.escapeFormulas)
                try writeText(csv.text, to: target)
                if !csv.formulaCells.isEmpty { result.formulaCells = [FormulaCellsInFile(file: url, cells: csv.formulaCells)] }
            }
            return result
        }
    }

    // MARK: - csv-long

    static func exportCSVLong(_ data: ExportData, to url: URL, options: ExportOptions) throws -> ExportResult {
        var isDir: ObjCBool = false
        let intoFolder = (FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue) || url.path.hasSuffix("/")
        var targets: [(String, URL)] = []
        if let id = options.instrument {
            let inst = try data.resolveInstrument(id)
            targets = [(inst.id, intoFolder ? url.appendingPathComponent("\(inst.id).csv") : url)]
        } else if data.bundle.instruments.count == 1, let inst = data.bundle.instruments.first {
            targets = [(inst.id, intoFolder ? url.appendingPathComponent("\(inst.id).csv") : url)]
        } else if intoFolder {
            targets = data.bundle.instruments.map { ($0.id, url.appendingPathComponent("\($0.id).csv")) }
        } else {
            throw ExportError.needsInstrument(format: "csv-long", available: data.bundle.instruments.map(\.id))
        }
        var files: [URL] = []
        var rows = 0, variables = 0
        var allNotes: [String] = []
        var formulaCells: [FormulaCellsInFile] = []
        var empty: [String] = []
        let checked = try targets.map { ($0.0, try outputTarget($0.1, data, options)) }
        for (id, target) in checked {
            let file = target.url
            var o = options
            o.instrument = id
            o.scores = false
            let plan = try ExportPlan.build(data, options: o, layout: .long, scores: false, dates: .drop)
            if plan.rows.isEmpty {
                if targets.count == 1 { try requireRows(plan, data, o) }
                empty.append(id)
                continue
            }
            let formulas = try CSVExporter.write(plan, to: target, escapeFormulas: options.escapeFormulas)
            if !formulas.isEmpty { formulaCells.append(FormulaCellsInFile(file: file, cells: formulas)) }
            files.append(file)
            rows += plan.rows.count
            variables += plan.variables.count
            allNotes += notes(plan)
        }
        if files.isEmpty { throw ExportError.nothingToExport(scopeDescription(data, options)) }
        if !empty.isEmpty { allNotes.append("no responses for \(empty.joined(separator: ", ")); no file was written for \(empty.count == 1 ? "it" : "them").") }
        var result = ExportResult(files: files, rows: rows, variables: variables, notes: allNotes)
        result.formulaCells = formulaCells
        return result
    }

    // MARK: - Helpers

    static func notes(_ plan: ExportPlan) -> [String] {
        var out: [String] = []
        if !plan.droppedText.isEmpty {
            out.append("free-text item(s) left out by --deidentify (add --keep-text to keep them): \(plan.droppedText.joined(separator: ", ")).")
        }
        return out
    }

    static func requireRows(_ plan: ExportPlan, _ data: ExportData, _ options: ExportOptions) throws {
        if plan.rows.isEmpty { throw ExportError.nothingToExport(scopeDescription(data, options)) }
    }

    static func scopeDescription(_ data: ExportData, _ options: ExportOptions) -> String {
        if data.isEmpty { return "data/responses.jsonl holds no responses yet" }
        var parts: [String] = []
        if let i = options.instrument { parts.append("for instrument '\(i)'") }
        if let w = options.waves, !w.isEmpty { parts.append("at wave\(w.count == 1 ? "" : "s") \(w.joined(separator: ", "))") }
        return "the store holds no responses " + parts.joined(separator: " ")
    }

    /// The checked output file: never one of the study's own files or the key file, never a
    /// link (`StudyFiles`), written with `options.mode`.
    static func outputTarget(_ url: URL, _ data: ExportData, _ options: ExportOptions) throws -> OutputTarget {
        try outputTarget(url, study: data.study, options)
    }

    static func outputTarget(_ url: URL, _ data: StudyData, _ options: ExportOptions) throws -> OutputTarget {
        try outputTarget(url, study: data.study, options)
    }

    static func outputTarget(_ url: URL, study: Study, _ options: ExportOptions) throws -> OutputTarget {
        var protected = StudyFiles(study: study)
        if let key = options.deidentification?.keyFile { protected.protect(key, as: "the de-identification key file") }
        return try OutputTarget(url, mode: options.mode, protecting: protected)
    }

    static func writeText(_ text: String, to target: OutputTarget) throws {
        let sink = FileSink()
        try sink.open(target)
        defer { sink.discard() }
        sink.append(text)
        try sink.commit()
    }
}
