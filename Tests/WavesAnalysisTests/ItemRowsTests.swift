import XCTest
@testable import WavesAnalysis
import WavesCore
import WavesStats

/// Issue 14, the report's peak memory: the reliability section reads a scale's items in place
/// (`InstrumentData.itemRows`) instead of copying them into a matrix (32 MB for the 40-item scale
/// at 100,000 participants), and invariance across waves lets the columns go before its fit.
/// The numbers must be those of the matrix, to the bit.
final class ItemRowsTests: XCTestCase {
    static let studies = [InstrumentDataTests.demo,
                          InstrumentDataTests.demo.appendingPathComponent("../../Tests/Fixtures/hostile-text").standardizedFileURL,
                          InstrumentDataTests.demo.appendingPathComponent("../../Tests/Fixtures/large-numbers").standardizedFileURL]

    func testInPlaceRowsAndReliabilityEqualTheMatrix() throws {
        var compared = 0, withAlpha = 0
        for dir in Self.studies {
            let bundle = try StudyLoader.load(directory: dir)
            for inst in bundle.instruments {
                let cols = try InstrumentData.load(bundle, instrument: inst)
                // The scales, and each with its items in reverse order and every other item
                // (columns that are not the instrument's order, nor contiguous).
                let scales = inst.scales.flatMap { s in
                    [s, Scale(id: s.id + "-reversed", label: s.label, items: s.items.reversed()),
                     Scale(id: s.id + "-odd", label: s.label, items: s.items.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))]
                }
                for scale in scales {
                    for w in cols.waves.indices {
                        let (who, m) = cols.itemMatrix(scale: scale, wave: w)
                        let rows = cols.itemRows(scale: scale, wave: w)
                        let tag = "\(dir.lastPathComponent) \(inst.id).\(scale.id) \(cols.waves[w].id)"
                        XCTAssertEqual(rows.participants, who, tag)
                        XCTAssertEqual(rows.rowCount, m.rows, tag)
                        XCTAssertEqual(rows.itemCount, m.cols, tag)
                        // Each row as written out here from the columns' layout (participant x wave x item).
                        let W = cols.waves.count, K = cols.items.count
                        let columns = scale.items.compactMap { id in cols.items.firstIndex { $0.id == id } }
                        XCTAssertEqual(who, (0..<cols.participants.count).filter { cols.present[$0 * W + w] }, tag)
                        var scratch = [Double](repeating: 0, count: max(1, rows.itemCount))
                        for r in 0..<rows.rowCount {
                            let got = scratch.withUnsafeMutableBufferPointer { s in
                                Array(UnsafeBufferPointer(start: rows.row(r, scratch: s.baseAddress!), count: rows.itemCount))
                            }
                            let expected = columns.map { cols.values[(who[r] * W + w) * K + $0] }
                            XCTAssertEqual(got.map(\.bitPattern), expected.map(\.bitPattern), "\(tag) row \(r)")
                            XCTAssertEqual(Array(m.row(r)).map(\.bitPattern), expected.map(\.bitPattern), "\(tag) row \(r)")
                        }
                        XCTAssertEqual(ItemCovariance.completeRowIndices(rows), ItemCovariance.completeRowIndices(m), tag)
                        let a = ItemCovariance.compute(rows: rows), b = ItemCovariance.compute(m)
                        XCTAssertEqual(a.n, b.n, tag)
                        XCTAssertEqual(a.means.map(\.bitPattern), b.means.map(\.bitPattern), tag)
                        XCTAssertEqual(a.covariance.map(\.bitPattern), b.covariance.map(\.bitPattern), tag)
                        let inPlace = Reliability.analyze(rows: rows), copied = try Reliability.analyze(m)
                        // As text: the shortest exact form of each Double, so equal text is equal bits.
                        XCTAssertEqual(String(describing: inPlace), String(describing: copied), tag)
                        compared += 1
                        if copied.alpha != nil { withAlpha += 1 }
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 20)
        XCTAssertGreaterThan(withAlpha, 10)
    }

    /// The report's entry (`PsychometricsAnalysis.reliability`) gives what the matrix gives,
    /// with and without a bootstrap (which still resamples the matrix).
    func testReliabilityReportIsTheMatrixOne() throws {
        let bundle = try StudyLoader.load(directory: InstrumentDataTests.demo)
        var compared = 0
        for inst in bundle.instruments where !inst.scales.isEmpty {
            let cols = try InstrumentData.load(bundle, instrument: inst)
            for scale in inst.scales {
                for wave in bundle.waves(of: inst) {
                    let w = cols.waveIndex(wave.id)!
                    let m = cols.itemMatrix(scale: scale, wave: w).matrix
                    let report = try PsychometricsAnalysis.reliability(data: cols, scale: scale, wave: wave, inPlace: true)
                    let r = try Reliability.analyze(m)
                    XCTAssertEqual(report.n, r.n)
                    XCTAssertEqual(report.incomplete, m.rows - r.n)
                    XCTAssertEqual(String(describing: report.alpha), String(describing: r.alpha))
                    XCTAssertEqual(String(describing: report.omegaTotal), String(describing: r.omegaTotal))
                    XCTAssertEqual(report.items.map { String(describing: $0.rDrop) }, r.items.map { String(describing: $0.rDrop) })
                    let boot = try PsychometricsAnalysis.reliability(data: cols, scale: scale, wave: wave, bootstrap: 20, seed: 3, inPlace: true)
                    let rb = try Reliability.analyze(m, bootstrap: 20, seed: 3)
                    XCTAssertEqual(String(describing: boot.bootstrap?.alphaCI), String(describing: rb.bootstrap?.alphaCI?.values))
                    XCTAssertEqual(String(describing: boot.alpha), String(describing: rb.alpha))
                    compared += 1
                }
            }
        }
        XCTAssertGreaterThan(compared, 3)
    }

    /// What invariance across waves fits holds nothing of the instrument's columns, so that
    /// `InvarianceAnalysis.run` can let them go before the fit (the 160-variable model of the
    /// bench study's 40-item scale ran beside the 128 MB answer matrix); its outcome is
    /// `acrossWaves`'s.
    func testInvarianceModelHoldsNothingOfTheColumns() throws {
        let bundle = try StudyLoader.load(directory: InstrumentDataTests.demo)
        let (inst, scale) = try bundle.resolveScale("identity")
        let cols = try InstrumentData.load(bundle, instrument: inst)
        let waves = Array(bundle.waves(of: inst).prefix(2))
        let model = try InvarianceAnalysis.wavesModel(data: cols, scale: scale, waves: waves, missing: .listwise)
        let values = cols.values.withUnsafeBufferPointer { $0.baseAddress }
        XCTAssertFalse(Self.holds(model) { $0 is InstrumentData }, "the model keeps the columns")
        XCTAssertFalse(Self.holds(model) { ($0 as? [Double])?.withUnsafeBufferPointer { $0.baseAddress } == values }, "the model keeps the answers")
        XCTAssertEqual(InvarianceSampleTests.outcome { try model.fit() },
                       InvarianceSampleTests.outcome { try InvarianceAnalysis.acrossWaves(data: cols, scale: scale, waves: waves, missing: .listwise) })
        let run = InvarianceSampleTests.outcome {
            try InvarianceAnalysis.run(bundle: bundle, scale: "identity", across: .waves, waves: waves.map(\.id), wave: nil)
        }
        XCTAssertEqual(run, InvarianceSampleTests.outcome { try model.fit() })
    }

    /// Whether `value` or anything inside it (stored properties, elements) satisfies `test`.
    static func holds(_ value: Any, _ test: (Any) -> Bool) -> Bool {
        if test(value) { return true }
        if value is [Double] { return false }  // numbers hold nothing further
        return Mirror(reflecting: value).children.contains { holds($0.value, test) }
    }
}
