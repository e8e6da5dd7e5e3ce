import XCTest
@testable import WavesAnalysis
import WavesCore
import WavesStats

/// Invariance across waves keeps only the complete wide rows under listwise deletion (issue 14:
/// the whole wide matrix doubled the peak memory); the report must be the one the whole matrix gives.
final class InvarianceSampleTests: XCTestCase {
    func testListwiseSampleIsTheWholeMatrixCompleteRows() throws {
        let data = try StudyData.load(directory: InstrumentDataTests.demo)
        for inst in data.bundle.instruments {
            let cols = try InstrumentData.load(data.bundle, instrument: inst)
            let waves = Array(0..<cols.waves.count)
            for scale in inst.scales {
                let columns = InvarianceAnalysis.itemColumns(cols, scale).map(\.column)
                let whole = InvarianceAnalysis.wideSample(data: cols, columns: columns, waves: waves, listwise: false)
                XCTAssertEqual(whole.incomplete, 0)
                XCTAssertNil(whole.hint)
                let kept = InvarianceAnalysis.wideSample(data: cols, columns: columns, waves: waves, listwise: true)
                let complete = whole.rows.completeRows()
                XCTAssertEqual(kept.rows.rows, complete.rows, "\(inst.id).\(scale.id)")
                XCTAssertEqual(kept.rows.cols, complete.cols)
                XCTAssertEqual(kept.rows.values.map(\.bitPattern), complete.values.map(\.bitPattern), "\(inst.id).\(scale.id)")
                XCTAssertEqual(kept.incomplete, whole.rows.rows - complete.rows, "\(inst.id).\(scale.id)")
                XCTAssertEqual(kept.hint, CFAAnalysis.fimlHint([whole.rows]), "\(inst.id).\(scale.id)")
            }
        }
    }

    /// The whole outcome (the fit, the note on the participants left out, or the error with its
    /// listwise hint) equals the one from the whole wide matrix, as before the change: on the
    /// demo's identity scale at three waves listwise deletion leaves too few participants (the
    /// error's counts), at two waves it fits (the note's count), and FIML keeps every row.
    func testOutcomeEqualsTheWholeMatrixOutcome() throws {
        let data = try StudyData.load(directory: InstrumentDataTests.demo)
        let (inst, scale) = try data.bundle.resolveScale("identity")
        let cols = try InstrumentData.load(data.bundle, instrument: inst)
        let items = InvarianceAnalysis.itemColumns(cols, scale)
        let all = data.bundle.waves(of: inst)
        var fitted = 0, failed = 0
        for waves in [all, Array(all.prefix(2))] {
            let wi = waves.map { cols.waveIndex($0.id)! }
            let whole = InvarianceAnalysis.wideSample(data: cols, columns: items.map(\.column), waves: wi, listwise: false)
            XCTAssertGreaterThan(whole.rows.rows - whole.rows.completeRows().rows, 0, "the demo has incomplete participants")
            let design = InvarianceDesign(across: .waves, items: items.map(\.id), occasions: waves.map(\.id))
            // FIML (every row kept) once: its EM fits take seconds in a debug build.
            for missing in waves.count == 2 ? [CFAAnalysis.Missing.listwise, .fiml] : [.listwise] {
                let expected = Self.outcome { try InvarianceAnalysis.report(data: cols, scale: scale, design: design, groups: [whole.rows], missing: missing, extraNotes: []) }
                let got = Self.outcome { try InvarianceAnalysis.acrossWaves(data: cols, scale: scale, waves: waves, missing: missing) }
                XCTAssertEqual(got, expected, "\(waves.map(\.id)) \(missing)")
                if got.hasPrefix("error") { failed += 1 } else { fitted += 1 }
                if missing == .listwise { XCTAssertTrue(got.contains("left out (listwise)") || got.contains("(listwise: "), got) }
            }
        }
        XCTAssertGreaterThan(fitted, 0)
        XCTAssertGreaterThan(failed, 0)
    }

    /// Across roles each group's rows come straight from the columns; they, the note on
    /// participants without a role and the outcome equal those cut from the whole wave's matrix.
    func testRoleGroupsEqualTheWholeWaveMatrixRows() throws {
        let data = try StudyData.load(directory: InstrumentDataTests.demo)
        var compared = 0, outcomes = 0
        for inst in data.bundle.instruments {
            let cols = try InstrumentData.load(data.bundle, instrument: inst)
            for scale in inst.scales {
                let items = InvarianceAnalysis.itemColumns(cols, scale)
                let itemScale = Scale(id: scale.id, label: scale.label, items: items.map(\.id))
                for (wi, wave) in cols.waves.enumerated() {
                    let (who, whole) = cols.itemMatrix(scale: itemScale, wave: wi)
                    var groups: [String] = [], mats: [Matrix] = []
                    for role in data.bundle.study.roles {
                        let rows = who.indices.filter { cols.roles[who[$0]] == role }
                        let direct = cols.itemMatrix(scale: itemScale, wave: wi, including: { cols.roles[$0] == role })
                        XCTAssertEqual(direct.participants, rows.map { who[$0] }, "\(inst.id).\(scale.id) \(wave.id) \(role)")
                        XCTAssertEqual(direct.matrix.values.map(\.bitPattern), rows.flatMap { Array(whole.row($0)) }.map(\.bitPattern))
                        if rows.isEmpty { continue }
                        groups.append(role); mats.append(Matrix(rows.map { Array(whole.row($0)) }))
                        compared += 1
                    }
                    guard inst.id == "identity", scale.id == "identity", groups.count >= 2 else { continue }
                    let unknown = who.filter { cols.roles[$0] == nil }.count
                    let design = InvarianceDesign(across: .groups, items: items.map(\.id), occasions: groups)
                    let waveObject = data.bundle.study.wave(wave.id)!
                    let expected = Self.outcome { try InvarianceAnalysis.report(data: cols, scale: scale, design: design, groups: mats, missing: .listwise,
                                                                                extraNotes: unknown > 0 ? ["\(unknown) participant(s) without a role are left out."] : [], wave: wave.id) }
                    let got = Self.outcome { try InvarianceAnalysis.acrossRoles(data: cols, scale: scale, wave: waveObject, roles: data.bundle.study.roles, missing: .listwise) }
                    XCTAssertEqual(got, expected, "\(wave.id)")
                    outcomes += 1
                }
            }
        }
        XCTAssertGreaterThan(compared, 10)
        XCTAssertGreaterThan(outcomes, 0)
    }

    static func outcome(_ f: () throws -> InvarianceReport) -> String {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(try f()), as: UTF8.self)
        } catch {
            return "error: \(error)"
        }
    }
}
