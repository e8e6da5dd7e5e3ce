import Foundation
import WavesAnalysis
import WavesCore
import WavesExport
import XCTest

/// GNU PSPP opens the exported .sav, runs the exported .sps, and gets Waves' scores
/// (case by case) and alphas (the covariance formula on the same reversed items, which
/// AlphaFixtureTests ties to psych::alpha). Skipped, with the reason printed, without `pspp`.
final class PSPPTests: XCTestCase {
    func pspp() throws -> String {
        guard let p = Support.which("pspp") else {
            print("PSPPTests skipped: `pspp` is not installed (Debian: apt-get install pspp).")
            throw XCTSkip("pspp is not installed")
        }
        return p
    }

    /// Alphas in PSPP's CSV output, by the /SCALE name the syntax gives ("identity.belonging at w1").
    static func alphas(_ csv: String) -> [String: (n: Int, alpha: Double)] {
        var out: [String: (Int, Double)] = [:]
        var scale = ""
        var n = 0
        let lines = csv.components(separatedBy: "\n")
        for (i, line) in lines.enumerated() {
            if line.hasPrefix("Scale: ") { scale = String(line.dropFirst(7)) }
            if line.hasPrefix("Valid,") { n = Int(line.split(separator: ",")[1]) ?? -1 }
            if line.hasPrefix("Cronbach's Alpha,"), i + 1 < lines.count,
               let a = Double(lines[i + 1].split(separator: ",").first.map(String.init) ?? "") {
                out[scale] = (n, a)
            }
        }
        return out
    }

    func runExportedSyntax(layout: ExportLayout) throws {
        let pspp = try pspp()
        let data = try Support.load(Support.demoStudy)
        let dir = try Support.tempDir(self, "pspp\(layout.rawValue)")
        let sav = dir.appendingPathComponent("demo.sav")
        let r = try Exporter.export(data, format: .sav, to: sav, options: ExportOptions(layout: layout))
        XCTAssertEqual(r.files.map(\.lastPathComponent), ["demo.sav", "demo.sps", "demo.R"])
        // Twelve decimals in the output tables, then the exported syntax as it is, then the scored data.
        try "SET FORMAT=F16.12.\nINCLUDE FILE='demo.sps'.\nSAVE OUTFILE='scored.sav'.\n"
            .write(to: dir.appendingPathComponent("run.sps"), atomically: true, encoding: .utf8)
        let run = try Support.run(pspp, ["-o", "out.csv", "run.sps"], in: dir)
        let output = (try? String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8)) ?? ""
        XCTAssertEqual(run.status, 0, run.stderr + run.stdout)
        XCTAssertFalse((run.stderr + run.stdout + output).lowercased().contains("error"), run.stderr + run.stdout)
        XCTAssertFalse((run.stderr + run.stdout).lowercased().contains("warning"), run.stderr + run.stdout)

        // Scores, case by case.
        let scored = try StatFileReader.read(dir.appendingPathComponent("scored.sav"))
        let pCol = scored.index(of: "participant")!
        let wCol = scored.index(of: "wave")
        var compared = 0
        for inst in data.bundle.instruments {
            for row in data.scores(instrument: inst) {
                let name = layout == .long ? row.scale : "\(row.scale)_\(row.wave)"
                guard let col = scored.index(of: name) else { XCTFail("no \(name) in scored.sav"); continue }
                let hit = scored.rows.firstIndex { r in
                    r[pCol] == .text(row.participant) && (wCol == nil || r[wCol!] == .text(row.wave))
                }
                guard let i = hit else { XCTFail("no row for \(row.participant) \(row.wave)"); continue }
                switch (row.score, scored.rows[i][col]) {
                case (let s?, .number(let v)): XCTAssertEqual(v, s, accuracy: 1e-12, "\(name) \(row.participant) \(row.wave)")
                case (nil, .systemMissing): break
                case (let s, let v): XCTFail("\(name) \(row.participant) \(row.wave): Waves \(String(describing: s)), PSPP \(v)")
                }
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 1000)

        // Alphas per scale and wave.
        let alphas = Self.alphas(output)
        var checked = 0
        for inst in data.bundle.instruments {
            for scale in inst.scales where scale.items.count >= 2 {
                for wave in data.bundle.waves(of: inst) {
                    let m = data.itemMatrix(instrument: inst, scale: scale, wave: wave.id).matrix
                    let rows = (0..<m.rows).map { i in (0..<m.cols).map { j in m[i, j] } }
                    guard let want = Support.alpha(rows) else { continue }
                    let key = "\(inst.id).\(scale.id) at \(wave.id)"
                    guard let got = alphas[key] else { XCTFail("PSPP printed no alpha for \(key)"); continue }
                    XCTAssertEqual(got.n, want.n, key)
                    XCTAssertEqual(got.alpha, want.alpha, accuracy: 1e-11, key)   // PSPP prints 12 decimals
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 42)
    }

    func testLongLayout() throws { try runExportedSyntax(layout: .long) }
    func testWideLayout() throws { try runExportedSyntax(layout: .wide) }

    /// PSPP reads the edge-case file (long ids, CJK, long strings, -99 decline code) without complaint.
    func testEdgeCaseFileOpens() throws {
        let pspp = try pspp()
        let dir = try Support.tempDir(self)
        _ = try Exporter.export(try Support.load(Support.edgeStudy), format: .sav, to: dir.appendingPathComponent("edge.sav"), options: ExportOptions(scores: true))
        try "GET FILE='edge.sav'.\nDISPLAY DICTIONARY.\nLIST.\nINCLUDE FILE='edge.sps'.\n"
            .write(to: dir.appendingPathComponent("run.sps"), atomically: true, encoding: .utf8)
        let run = try Support.run(pspp, ["-o", "out.csv", "run.sps"], in: dir)
        let output = try String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse((run.stderr + run.stdout).lowercased().contains("warning"), run.stderr + run.stdout)
        XCTAssertTrue(output.contains("an_item_identifier_that_is_much_longer_than_the_spss_limi_8b8937"))
        XCTAssertTrue(output.contains("我常常觉得自己是局外人。"))
        XCTAssertTrue(output.contains("Prefer not to answer"))
        XCTAssertTrue(output.contains("-99"))
    }
}
