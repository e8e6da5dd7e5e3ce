import Foundation
import WavesAnalysis
import WavesCore
import WavesExport
import XCTest

/// R: the exported .R script (haven + psych) reproduces Waves' scores and alphas, and
/// haven reads the .sav and .dta with every label, value label and missing code.
/// Skipped, with the reason printed, when Rscript, haven or psych is missing.
final class RTests: XCTestCase {
    func rscript(_ packages: [String]) throws -> String {
        guard let r = Support.which("Rscript") else {
            print("RTests skipped: Rscript is not installed (Debian: apt-get install r-base-core).")
            throw XCTSkip("Rscript is not installed")
        }
        let dir = FileManager.default.temporaryDirectory
        let probe = try Support.run(r, ["-e", packages.map { "library(\($0))" }.joined(separator: ";")], in: dir)
        if probe.status != 0 {
            print("RTests skipped: R lacks \(packages.joined(separator: " or ")) (\(probe.stderr.prefix(200))).")
            throw XCTSkip("R packages missing")
        }
        return r
    }

    /// Reads a CSV written by R's write.csv (header, quoted strings, NA).
    func readCSV(_ url: URL) throws -> [[String: String]] {
        let rows = try CSVReader.parse(String(contentsOf: url, encoding: .utf8))
        guard let header = rows.first?.fields else { return [] }
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.fields)) }
    }

    func testExportedRScriptReproducesScoresAndAlphas() throws {
        let r = try rscript(["haven", "psych"])
        for layout in [ExportLayout.long, .wide] {
            let data = try Support.load(Support.demoStudy)
            let dir = try Support.tempDir(self, "rscript\(layout.rawValue)")
            _ = try Exporter.export(data, format: .sav, to: dir.appendingPathComponent("demo.sav"), options: ExportOptions(layout: layout))
            let run = try Support.run(r, ["-e", "source('demo.R'); write.csv(alphas, 'alphas.csv', row.names = FALSE); write.csv(scores, 'scores.csv', row.names = FALSE)"], in: dir)
            XCTAssertEqual(run.status, 0, run.stderr)

            let alphas = try readCSV(dir.appendingPathComponent("alphas.csv"))
            var checked = 0
            for inst in data.bundle.instruments {
                for scale in inst.scales where scale.items.count >= 2 {
                    for wave in data.bundle.waves(of: inst) {
                        let m = data.itemMatrix(instrument: inst, scale: scale, wave: wave.id).matrix
                        guard let want = Support.alpha((0..<m.rows).map { i in (0..<m.cols).map { j in m[i, j] } }) else { continue }
                        let row = alphas.first { $0["scale"] == "\(inst.id).\(scale.id)" && $0["wave"] == wave.id }
                        guard let row, let a = Double(row["alpha"] ?? ""), let n = Int(row["n"] ?? "") else {
                            XCTFail("R printed no alpha for \(inst.id).\(scale.id) at \(wave.id)"); continue
                        }
                        XCTAssertEqual(n, want.n, "\(scale.id) \(wave.id)")
                        XCTAssertEqual(a, want.alpha, accuracy: 1e-12, "\(scale.id) \(wave.id)")   // write.csv keeps 15 digits
                        checked += 1
                    }
                }
            }
            XCTAssertEqual(checked, 42, layout.rawValue)

            let scores = try readCSV(dir.appendingPathComponent("scores.csv"))
            var compared = 0
            for inst in data.bundle.instruments {
                for s in data.scores(instrument: inst) {
                    let col = layout == .long ? s.scale : "\(s.scale)_\(s.wave)"
                    guard let row = scores.first(where: { $0["participant"] == s.participant && (layout == .wide || $0["wave"] == s.wave) }),
                          let cell = row[col] else { XCTFail("no R score \(col) for \(s.participant)"); continue }
                    if let want = s.score {
                        XCTAssertEqual(Double(cell) ?? .nan, want, accuracy: 1e-12, "\(col) \(s.participant) \(s.wave)")
                    } else {
                        XCTAssertEqual(cell, "NA", "\(col) \(s.participant) \(s.wave)")
                    }
                    compared += 1
                }
            }
            XCTAssertGreaterThan(compared, 1000)
        }
    }

    /// haven sees the same names, labels, value labels and missing codes as ReadStat's parser
    /// (which StatFileTests checks against the study), and the same declined answers.
    func testHavenReadsLabelsOfSavAndDta() throws {
        let r = try rscript(["haven"])
        let dir = try Support.tempDir(self)
        let data = try Support.load(Support.edgeStudy)
        _ = try Exporter.export(data, format: .sav, to: dir.appendingPathComponent("edge.sav"), options: ExportOptions(scores: true))
        _ = try Exporter.export(data, format: .dta, to: dir.appendingPathComponent("edge.dta"), options: ExportOptions(scores: true))
        let script = """
        library(haven)
        describe <- function(d, file) {
          lines <- character()
          for (n in names(d)) {
            x <- d[[n]]
            labs <- attr(x, "labels")
            lab_text <- if (is.null(labs)) "" else paste(ifelse(is_tagged_na(labs), paste0(".", na_tag(labs)), format(unclass(labs), digits = 15, trim = TRUE)), names(labs), sep = "=", collapse = ";")
            na <- attr(x, "na_values")
            na_text <- if (is.null(na)) "" else paste(na, collapse = ";")
            declined <- if (is.numeric(x)) sum(is_tagged_na(x, "a") | (!is.null(na) & unclass(x) %in% na)) else 0
            lines <- c(lines, paste(n, attr(x, "label"), lab_text, na_text, declined, sep = "\\t"))
          }
          con <- file(file, open = "w", encoding = "UTF-8"); writeLines(lines, con); close(con)
        }
        describe(read_sav("edge.sav", user_na = TRUE), "sav.tsv")
        describe(read_dta("edge.dta"), "dta.tsv")
        """
        try script.write(to: dir.appendingPathComponent("describe.R"), atomically: true, encoding: .utf8)
        let run = try Support.run(r, ["describe.R"], in: dir)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(run.stderr.lowercased().contains("warning"), run.stderr)

        for ext in ["sav", "dta"] {
            let file = try StatFileReader.read(dir.appendingPathComponent("edge.\(ext)"))
            let lines = try String(contentsOf: dir.appendingPathComponent("\(ext).tsv"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
            XCTAssertEqual(lines.count, file.variables.count, ext)
            for (v, line) in zip(file.variables, lines) {
                let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                XCTAssertEqual(f[0], v.name, ext)
                XCTAssertEqual(f[1], v.label, "\(ext) \(v.name)")
                let mine = v.valueLabels.map { l -> String in
                    switch l.value {
                    case .number(let d): return "\(JSONWriter.number(d))=\(l.label)"
                    case .tagged(let c): return ".\(c)=\(l.label)"
                    default: return "?"
                    }
                }
                XCTAssertEqual(Set(f[2].isEmpty ? [] : f[2].split(separator: ";").map(String.init)), Set(mine), "\(ext) \(v.name)")
                XCTAssertEqual(f[3], v.missingRanges.map { JSONWriter.number($0.lowerBound) }.joined(separator: ";"), "\(ext) \(v.name)")
                // Declined answers are recognised as missing by haven: -9/-99 user-missing (sav) or NA(a) (dta).
                let declined = data.records.filter { $0.instrument.id == "ident" }.filter { $0.declined.contains(v.name) }.count
                if ["a02", "odd", "tut"].contains(v.name) { XCTAssertEqual(Int(f[4]), declined, "\(ext) \(v.name)") }
            }
        }
    }
}
