import Foundation
import WavesAnalysis
import WavesCore

/// `waves export`: the study's data as CSV, SPSS, Stata or a codebook.
///
/// Every file is written under a temporary name and renamed into place, so a
/// failed export leaves no partial file. Exports with no rows are refused with a
/// clear message (a codebook needs no data and is always written).
public enum Exporter {
    /// Writes `data` in `format` to `url` (for `sav` also the `.sps` and `.R` syntax next to it).
    public static func export(_ data: StudyData, format: ExportFormat, to url: URL, options: ExportOptions = ExportOptions()) throws -> ExportResult {
        if let l = options.layout, !format.acceptsLayout, l != format.defaultLayout {
            throw ExportError.layoutNotApplicable(format: format.rawValue, layout: l.rawValue)
        }
        if format == .csvLong && options.scores { throw ExportError.scoresNotApplicable(format: format.rawValue) }
        let layout = options.layout ?? format.defaultLayout
        switch format {
        case .csvLong:
            return try exportCSVLong(data, to: url, options: options)
        case .csvWide:
            try refuseStudyFile(url, data)
            let plan = try ExportPlan.build(data, options: options, layout: .wide, scores: options.scores, dates: options.effectiveDates)
            try requireRows(plan, data, options)
            try CSVExporter.write(plan, to: url)
            return ExportResult(files: [url], rows: plan.rows.count, variables: plan.variables.count, notes: notes(plan))
        case .sav, .dta:
            try refuseStudyFile(url, data)
            if format == .sav, ["sps", "r"].contains(url.pathExtension.lowercased()) {
                throw ExportError.cannotWrite(path: url.path, reason: "the .sps and .R syntax files are written next to the data under its name; give the data file a .sav name")
            }
            let plan = try ExportPlan.build(data, options: options, layout: layout, scores: options.scores, dates: options.effectiveDates)
            try requireRows(plan, data, options)
            var notes = notes(plan)
            notes += try StatFileWriter.write(plan, kind: format == .sav ? .sav : .dta, to: url)
            var files = [url]
            if format == .sav {
                // The syntax scores every scale whether or not --scores put the scores in the file.
                let scored = try ExportPlan.build(data, options: options, layout: layout, scores: true, dates: options.effectiveDates)
                let stem = url.deletingPathExtension()
                let sps = stem.appendingPathExtension("sps"), r = stem.appendingPathExtension("R")
                try refuseStudyFile(sps, data)
                try refuseStudyFile(r, data)
                let scoring = ScoringSyntax(plan: scored, dataFile: url.lastPathComponent)
                try writeText(scoring.spss(), to: sps)
                try writeText(scoring.r(), to: r)
                files += [sps, r]
            }
            return ExportResult(files: files, rows: plan.rows.count, variables: plan.variables.count, notes: notes)
        case .qdpx, .codebookQdc:
            return try QDPXExporter.export(data, format: format, to: url, options: options)
        case .codebook:
            try refuseStudyFile(url, data)
            let ext = url.pathExtension.lowercased()
            guard ext == "md" || ext == "csv" else { throw ExportError.codebookExtension(url.lastPathComponent) }
            let plan = try ExportPlan.build(data, options: options, layout: layout, scores: true, dates: options.effectiveDates)
            let book = Codebook(plan: plan)
            try writeText(ext == "md" ? book.markdown() : book.csv(), to: url)
            return ExportResult(files: [url], rows: 0, variables: plan.variables.count, notes: notes(plan))
        }
    }

    /// Exports a study to `.sav` (with its syntax) and to wide CSV in `directory`, as `make bench` times it.
    public static func exportSavAndWideCSV(_ data: StudyData, to directory: URL) throws {
        _ = try export(data, format: .sav, to: directory.appendingPathComponent("\(data.study.id).sav"))
        _ = try export(data, format: .csvWide, to: directory.appendingPathComponent("\(data.study.id)-wide.csv"))
    }

    // MARK: - csv-long

    static func exportCSVLong(_ data: StudyData, to url: URL, options: ExportOptions) throws -> ExportResult {
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
        var empty: [String] = []
        for (id, file) in targets {
            try refuseStudyFile(file, data)
            var o = options
            o.instrument = id
            o.scores = false
            let plan = try ExportPlan.build(data, options: o, layout: .long, scores: false, dates: .drop)
            if plan.rows.isEmpty {
                if targets.count == 1 { try requireRows(plan, data, o) }
                empty.append(id)
                continue
            }
            try CSVExporter.write(plan, to: file)
            files.append(file)
            rows += plan.rows.count
            variables += plan.variables.count
            allNotes += notes(plan)
        }
        if files.isEmpty { throw ExportError.nothingToExport(scopeDescription(data, options)) }
        if !empty.isEmpty { allNotes.append("no responses for \(empty.joined(separator: ", ")); no file was written for \(empty.count == 1 ? "it" : "them").") }
        return ExportResult(files: files, rows: rows, variables: variables, notes: allNotes)
    }

    // MARK: - Helpers

    static func notes(_ plan: ExportPlan) -> [String] {
        var out: [String] = []
        if !plan.droppedText.isEmpty {
            out.append("free-text item(s) left out by --deidentify (add --keep-text to keep them): \(plan.droppedText.joined(separator: ", ")).")
        }
        return out
    }

    static func requireRows(_ plan: ExportPlan, _ data: StudyData, _ options: ExportOptions) throws {
        if plan.rows.isEmpty { throw ExportError.nothingToExport(scopeDescription(data, options)) }
    }

    static func scopeDescription(_ data: StudyData, _ options: ExportOptions) -> String {
        if data.records.isEmpty { return "data/responses.jsonl holds no responses yet" }
        var parts: [String] = []
        if let i = options.instrument { parts.append("for instrument '\(i)'") }
        if let w = options.waves, !w.isEmpty { parts.append("at wave\(w.count == 1 ? "" : "s") \(w.joined(separator: ", "))") }
        return "the store holds no responses " + parts.joined(separator: " ")
    }

    /// Refuses to overwrite the store, study.yaml, the roster or an instrument file.
    static func refuseStudyFile(_ url: URL, _ data: StudyData) throws {
        let target = url.standardizedFileURL.resolvingSymlinksInPath().path
        let dir = data.study.directory
        var protected = [data.study.storeURL, dir.appendingPathComponent("study.yaml")]
        if let r = data.study.roster { protected.append(dir.appendingPathComponent(r)) }
        protected += data.bundle.instruments.map { dir.appendingPathComponent($0.path) }
        if protected.contains(where: { $0.standardizedFileURL.resolvingSymlinksInPath().path == target }) {
            throw ExportError.wouldOverwriteStudyFile(url.path)
        }
    }

    static func writeText(_ text: String, to url: URL) throws {
        let sink = FileSink()
        try sink.open(url)
        defer { sink.discard() }
        sink.append(text)
        try sink.commit()
    }
}
