import Foundation
import WavesAnalysis
import WavesCore
import WavesExport
import XCTest

/// Writes .sav and .dta files and reads them back with ReadStat's parser, checking every
/// variable name, label, measure, value label, missing code and value against the study's
/// own records (not against the exporter's internal plan).
final class StatFileTests: XCTestCase {
    enum Kind { case sav, dta }

    /// Names that must be shortened in the edge study (pinned: they are part of the contract of a study's exports).
    /// Wide names keep their `_<wave>` suffix; the hash is of the whole Waves name.
    static let shortened: [Kind: [String: String]] = [
        .sav: ["an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes":
                "an_item_identifier_that_is_much_longer_than_the_spss_limi_8b8937",
               "an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes_w1":
                "an_item_identifier_that_is_much_longer_than_the_spss_l_063813_w1",
               "an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes_w2":
                "an_item_identifier_that_is_much_longer_than_the_spss_l_e9584c_w2",
               "an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes_w3":
                "an_item_identifier_that_is_much_longer_than_the_spss_l_6bfef7_w3"],
        .dta: ["an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes": "an_item_identifier_that_i_8b8937",
               "item_whose_identifier_exceeds_stata_limit": "item_whose_identifier_exc_36119d",
               "an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes_w1": "an_item_identifier_tha_063813_w1",
               "an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes_w2": "an_item_identifier_tha_e9584c_w2",
               "an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes_w3": "an_item_identifier_tha_6bfef7_w3",
               "item_whose_identifier_exceeds_stata_limit_w1": "item_whose_identifier_fd29b8_w1",
               "item_whose_identifier_exceeds_stata_limit_w2": "item_whose_identifier_963f77_w2",
               "item_whose_identifier_exceeds_stata_limit_w3": "item_whose_identifier_500ec3_w3"],
    ]

    struct Expected {
        var csvName: String
        var label: String
        var isString: Bool
        var measure: MeasureLevel
        var options: [ResponseOption] = []
        var declineCode: Double?
        var value: (_ row: Row) -> StatFile.Value
    }

    struct Row {
        var participant: String
        var wave: String?
        var role: String?
        /// Records by instrument id (long) or "instrument|wave" (wide).
        var records: [String: ResponseRecord]
    }

    /// The variables and rows a study should give, derived from the instruments and records.
    func expectations(_ data: StudyData, layout: ExportLayout, kind: Kind, scores: Bool) -> ([Expected], [Row]) {
        let insts = data.bundle.instruments
        var owners: [String: Int] = [:]
        for i in insts { for it in i.answerableItems { owners[it.id, default: 0] += 1 } }
        let waves = data.study.waves
        var vars: [Expected] = [Expected(csvName: "participant", label: "Participant", isString: true, measure: .nominal) { .text($0.participant) }]
        if layout == .long { vars.append(Expected(csvName: "wave", label: "Wave", isString: true, measure: .nominal) { .text($0.wave!) }) }
        vars.append(Expected(csvName: "role", label: "Role", isString: true, measure: .nominal) { .text($0.role ?? "") })
        for inst in insts {
            let given = Set(data.bundle.waves(of: inst).map(\.id))
            let slots: [Wave?] = layout == .long ? [nil] : waves.filter { given.contains($0.id) }
            for w in slots {
                let key = w.map { "\(inst.id)|\($0.id)" } ?? inst.id
                let suffix = w.map { "_" + $0.id } ?? ""
                vars.append(Expected(csvName: "submitted_\(inst.id)\(suffix)", label: "Submitted (UTC): \(inst.title)", isString: true, measure: .nominal) {
                    .text($0.records[key]?.submittedAt ?? "")
                })
                for item in inst.answerableItems {
                    let base = owners[item.id]! > 1 ? "\(inst.id)_\(item.id)" : item.id
                    let measure: MeasureLevel = item.type == .likert ? .ordinal : item.type == .number ? .scale : .nominal
                    var e = Expected(csvName: base + suffix, label: item.text, isString: item.type == .text, measure: measure) { row in
                        guard let r = row.records[key] else { return item.type == .text ? .text("") : .systemMissing }
                        if r.declined.contains(item.id) {
                            return kind == .dta ? .tagged("a") : .number(item.responseSet!.options.contains { $0.value == -9 } ? -99 : -9)
                        }
                        switch r.answer(item.id) {
                        case .number(let d)?: return .number(d)
                        // SPSS and Stata strings are padded: ReadStat gives them back without trailing blanks.
                        case .text(let s)?: return .text(String(s.reversed().drop { $0 == " " }.reversed()))
                        default: return item.type == .text ? .text("") : .systemMissing
                        }
                    }
                    e.options = item.responseSet?.options ?? []
                    if item.allowsDecline { e.declineCode = item.responseSet!.options.contains { $0.value == -9 } ? -99 : -9 }
                    vars.append(e)
                }
                if scores {
                    for s in inst.scales {
                        vars.append(Expected(csvName: s.id + suffix, label: "Scale score: \(s.label)", isString: false, measure: .scale) { row in
                            guard let r = row.records[key], let v = Scoring.score(s, in: inst, record: r).score else { return .systemMissing }
                            return .number(v)
                        })
                    }
                }
            }
        }
        let pIndex = Dictionary(uniqueKeysWithValues: data.participants.enumerated().map { ($1, $0) })
        let wIndex = Dictionary(uniqueKeysWithValues: waves.enumerated().map { ($1.id, $0) })
        var rows: [String: Row] = [:]
        for r in data.records {
            let k = layout == .long ? "\(r.participant)|\(r.wave)" : r.participant
            var row = rows[k] ?? Row(participant: r.participant, wave: layout == .long ? r.wave : nil,
                                     role: data.bundle.rosterRole(of: r.participant) ?? r.role, records: [:])
            row.records[layout == .long ? r.instrument.id : "\(r.instrument.id)|\(r.wave)"] = r
            rows[k] = row
        }
        let ordered = rows.values.sorted {
            (pIndex[$0.participant]!, wIndex[$0.wave ?? ""] ?? 0) < (pIndex[$1.participant]!, wIndex[$1.wave ?? ""] ?? 0)
        }
        return (vars, ordered)
    }

    /// A label is the full text, or a prefix of it ending in an ellipsis within the format's limit.
    func assertLabel(_ got: String, _ full: String, kind: Kind, _ what: String) {
        let fullOneLine = full.replacingOccurrences(of: "\n", with: " ")
        if got == fullOneLine { return }
        XCTAssertTrue(got.hasSuffix("…"), "\(what): label '\(got)' is neither '\(fullOneLine)' nor a cut of it")
        XCTAssertTrue(fullOneLine.hasPrefix(String(got.dropLast()).trimmingCharacters(in: .whitespaces)), "\(what): '\(got)' is not a prefix of '\(fullOneLine)'")
        switch kind {
        case .sav: XCTAssertLessThanOrEqual(got.utf8.count, 255, what)
        case .dta: XCTAssertLessThanOrEqual(got.count, 80, what)
        }
    }

    func check(_ study: URL, layout: ExportLayout, kind: Kind, scores: Bool) throws {
        let data = try Support.load(study)
        let url = try Support.tempDir(self, "statfile").appendingPathComponent(kind == .sav ? "x.sav" : "x.dta")
        let result = try Exporter.export(data, format: kind == .sav ? .sav : .dta, to: url, options: ExportOptions(scores: scores, layout: layout))
        let file = try StatFileReader.read(url)
        let (vars, rows) = expectations(data, layout: layout, kind: kind, scores: scores)

        XCTAssertEqual(file.rowCount, rows.count)
        XCTAssertEqual(file.rows.count, rows.count)
        XCTAssertEqual(result.rows, rows.count)
        XCTAssertEqual(file.variables.count, vars.count)
        let title = data.study.title
        XCTAssertTrue(file.fileLabel == title || (file.fileLabel.hasSuffix("…") && title.hasPrefix(String(file.fileLabel.dropLast()))), "file label \(file.fileLabel)")

        for (j, e) in vars.enumerated() where j < file.variables.count {
            let v = file.variables[j]
            let expectedName = Self.shortened[kind]?[e.csvName] ?? e.csvName
            XCTAssertEqual(v.name, expectedName)
            let renamed = expectedName != e.csvName
            let wavePart: String = layout == .wide && e.csvName.contains("_w") && !["participant", "role"].contains(e.csvName)
                ? String(e.csvName[e.csvName.range(of: "_w", options: .backwards)!.upperBound...]) : ""
            let fullLabel = renamed ? "\(e.csvName): \(e.label)" : (wavePart.isEmpty ? e.label : "w\(wavePart): \(e.label)")
            assertLabel(v.label, fullLabel, kind: kind, v.name)
            XCTAssertEqual(v.isString, e.isString, v.name)
            if kind == .sav { XCTAssertEqual(v.measure, e.measure, v.name) }

            // Value labels: the response options, plus "Prefer not to answer" on its code (SPSS) or .a (Stata).
            var expectedLabels = e.options.map { StatFile.ValueLabel(value: .number($0.value), label: $0.label) }
            if let code = e.declineCode {
                expectedLabels.append(StatFile.ValueLabel(value: kind == .sav ? .number(code) : .tagged("a"), label: "Prefer not to answer"))
            }
            func key(_ l: StatFile.ValueLabel) -> String { "\(l.value)=\(l.label)" }
            XCTAssertEqual(Set(v.valueLabels.map(key)), Set(expectedLabels.map(key)), v.name)
            XCTAssertEqual(v.valueLabels.count, expectedLabels.count, v.name)

            // Missing codes: SPSS declares the decline code user-missing; Stata has none (it uses .a).
            if kind == .sav, let code = e.declineCode {
                XCTAssertEqual(v.missingRanges, [code...code], v.name)
            } else {
                XCTAssertEqual(v.missingRanges, [], v.name)
            }

            for (i, row) in rows.enumerated() where i < file.rows.count {
                let want = e.value(row)
                let got = file.rows[i][j]
                switch (want, got) {
                case (.number(let a), .number(let b)):
                    XCTAssertEqual(a, b, accuracy: 1e-12, "\(v.name) row \(i + 1)")
                default:
                    XCTAssertEqual(got, want, "\(v.name) row \(i + 1) (\(row.participant) \(row.wave ?? ""))")
                }
            }
        }
    }

    func testEdgeStudySavLong() throws { try check(Support.edgeStudy, layout: .long, kind: .sav, scores: true) }
    func testEdgeStudyDtaLong() throws { try check(Support.edgeStudy, layout: .long, kind: .dta, scores: true) }
    func testEdgeStudySavWide() throws { try check(Support.edgeStudy, layout: .wide, kind: .sav, scores: true) }
    func testEdgeStudyDtaWide() throws { try check(Support.edgeStudy, layout: .wide, kind: .dta, scores: false) }
    func testDemoSavLong() throws { try check(Support.demoStudy, layout: .long, kind: .sav, scores: false) }
    func testDemoDtaWide() throws { try check(Support.demoStudy, layout: .wide, kind: .dta, scores: true) }

    /// The same data give the same bytes (the file timestamp comes from the data, not the clock).
    func testReproducibleBytes() throws {
        let data = try Support.load(Support.edgeStudy)
        let dir = try Support.tempDir(self)
        for ext in ["sav", "dta"] {
            let a = dir.appendingPathComponent("a.\(ext)"), b = dir.appendingPathComponent("b.\(ext)")
            _ = try Exporter.export(data, format: ext == "sav" ? .sav : .dta, to: a)
            Thread.sleep(forTimeInterval: 1.1)
            _ = try Exporter.export(data, format: ext == "sav" ? .sav : .dta, to: b)
            XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b), ext)
        }
    }

    /// Text of more than 2045 bytes is a Stata strL and an SPSS very long string, and comes back whole.
    func testLongTextSurvivesBothFormats() throws {
        let data = try Support.load(Support.edgeStudy)
        let long = data.records.first { $0.instrument.id == "diary" && $0.participant == "S01" }!.answer("comment")!.text!
        XCTAssertGreaterThan(long.utf8.count, 3000)
        let dir = try Support.tempDir(self)
        for ext in ["sav", "dta"] {
            let url = dir.appendingPathComponent("x.\(ext)")
            _ = try Exporter.export(data, format: ext == "sav" ? .sav : .dta, to: url, options: ExportOptions(instrument: "diary"))
            let f = try StatFileReader.read(url)
            let col = f.index(of: "comment")!
            XCTAssertEqual(f.rows[0][col], .text(long), ext)
            XCTAssertEqual(f.rows[1][col], .text("Zoë : ça va 😀"), ext)
        }
    }
}
