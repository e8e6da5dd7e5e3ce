import XCTest
@testable import WavesStats
import WavesCore

/// A design given as its distinct rows and each observation's row number (`FixedDesign`, as
/// `waves lmm` and the report give it) fits to the same numbers, to the bit, as the same design
/// stored one row per observation.
final class FixedDesignTests: XCTestCase {
    /// The distinct rows of `x` (in order of first appearance) and each row's number among them.
    static func shared(_ x: Matrix) -> FixedDesign {
        var number: [[UInt64]: Int32] = [:]
        var distinct: [Double] = []
        var rowOf: [Int32] = []
        for r in 0..<x.rows {
            let row = Array(x.row(r))
            let key = row.map(\.bitPattern)
            if let k = number[key] { rowOf.append(k); continue }
            let k = Int32(number.count)
            number[key] = k
            distinct += row
            rowOf.append(k)
        }
        return FixedDesign(distinct: Matrix(rows: number.count, cols: x.cols, values: distinct), rowOf: rowOf)
    }

    /// Every number of a fit and of its diagnostics, written out (`description` of a Double is
    /// its shortest exact form, so equal text means equal bits, -0.0 and 0.0 apart).
    static func text(_ r: MixedModelResult, _ d: MixedModelResult.Diagnostics, contrast l: [Double]) -> String {
        let c = try? r.contrast(l)
        return "\(r.fixed) \(r.random) \(r.theta) \(r.sigma) \(r.logLik) \(r.aic) \(r.converged) \(r.singular) "
            + "\(r.warnings) \(r.nObs) \(r.nSubjects) \(r.iterations) \(r.vcov.values) \(String(describing: r.adjustedVcov?.values)) "
            + "\(String(describing: c)) \(d.interceptModes) \(String(describing: d.slopeModes)) \(d.fitted) \(d.residuals)"
    }

    func assertSame(y: [Double], subject: [Int], x: Matrix, terms: [String], slope: [Double]?, method: MixedModel.DFMethod,
                    label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let design = Self.shared(x)
        XCTAssertLessThan(design.table.count, x.values.count, "\(label): the design has repeated rows", file: file, line: line)
        XCTAssertEqual(design.matrix.values.map(\.bitPattern), x.values.map(\.bitPattern), file: file, line: line)
        let dense = try MixedModel.fit(y: y, subject: subject, fixed: x, terms: terms, randomSlope: slope, degreesOfFreedom: method)
        let compact = try MixedModel.fit(y: y, subject: subject, design: design, terms: terms, randomSlope: slope, degreesOfFreedom: method)
        let l = (0..<x.cols).map { Double($0 % 3) - 0.5 }
        let a = Self.text(dense, dense.diagnostics(y: y, subject: subject, fixed: x, randomSlope: slope), contrast: l)
        let b = Self.text(compact, compact.diagnostics(y: y, subject: subject, design: design, randomSlope: slope), contrast: l)
        // Kenward-Roger too: its participant blocks are summed in the order first met (they
        // were summed in a Dictionary's order, which changed from one process to the next).
        XCTAssertEqual(a, b, "\(label) (\(method))", file: file, line: line)
    }

    /// The R fixtures (categorical and linear time, roles, random slopes, dropout, singular fits), Satterthwaite and Kenward-Roger.
    func testSharedRowsFitAsTheFullDesignOnEveryFixture() throws {
        for name in ["lmm-a-intercept-categorical", "lmm-b-dropout-linear", "lmm-c-slopes-role", "lmm-d-small",
                     "lmm-e-singular-slopes", "lmm-f-singular-intercept"] {
            let fx = try MixedModelFixture(name)
            for method in MixedModel.DFMethod.allCases {
                try assertSame(y: fx.y, subject: fx.subject, x: fx.x, terms: fx.terms, slope: fx.hasSlope ? fx.slope : nil,
                               method: method, label: name)
            }
        }
    }

    /// Observations left out for a missing response, a missing slope covariate or a design row
    /// with a missing value: the kept rows are the same, in the same order, in both forms.
    func testSharedRowsLeaveOutTheSameObservations() throws {
        let fx = try MixedModelFixture("lmm-c-slopes-role")
        var y = fx.y, slope = fx.slope, xv = fx.x.values
        let p = fx.x.cols
        y[3] = .nan; y[40] = .infinity; slope[17] = .nan
        // Every observation with the design row of observation 5 gets a missing value there.
        let missingRow = Array(fx.x.row(5))
        for r in 0..<fx.x.rows where Array(fx.x.row(r)) == missingRow { xv[r * p + p - 1] = .nan }
        let x = Matrix(rows: fx.x.rows, cols: p, values: xv)
        for method in MixedModel.DFMethod.allCases {
            try assertSame(y: y, subject: fx.subject, x: x, terms: fx.terms, slope: slope, method: method, label: "missing values")
            try assertSame(y: y, subject: fx.subject, x: x, terms: fx.terms, slope: nil, method: method, label: "missing values, no slope")
        }
        let fit = try MixedModel.fit(y: y, subject: fx.subject, design: Self.shared(x), terms: fx.terms, randomSlope: slope)
        XCTAssertLessThan(fit.nObs, fx.y.count - 3)
    }

    /// A larger design of waves and roles as `MixedModelAnalysis` builds it (wave x role with
    /// treatment contrasts), unbalanced, subjects in any order and with any numbers.
    func testSharedRowsOfWavesAndRoles() throws {
        var rng = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15)
        func next() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }   // a fixed sequence, uniform in [0, 1)
        var y: [Double] = [], subject: [Int] = [], slope: [Double] = [], xv: [Double] = []
        let times = [0.0, 0.5, 1.5, 3.0]
        for s in 0..<200 {
            let role = s % 3, b = next() - 0.5
            for w in 0..<4 where w == 0 || next() > 0.2 {
                var row = [1.0, w == 1 ? 1 : 0, w == 2 ? 1 : 0, w == 3 ? 1 : 0, role == 1 ? 1 : 0, role == 2 ? 1 : 0]
                for g in 1...2 { for v in 1...3 { row.append(role == g && w == v ? 1 : 0) } }
                xv += row
                y.append(2 + 0.3 * Double(w) + 0.2 * Double(role) + b + next())
                subject.append(1_000_003 - 7 * s)
                slope.append(times[w])
            }
        }
        let terms = ["(Intercept)", "w2", "w3", "w4", "r1", "r2", "w2:r1", "w3:r1", "w4:r1", "w2:r2", "w3:r2", "w4:r2"]
        let x = Matrix(rows: y.count, cols: terms.count, values: xv)
        for method in MixedModel.DFMethod.allCases {
            try assertSame(y: y, subject: subject, x: x, terms: terms, slope: nil, method: method, label: "waves x roles")
            try assertSame(y: y, subject: subject, x: x, terms: terms, slope: slope, method: method, label: "waves x roles, slopes")
        }
    }
}

/// `ProfiledREML` sums each subject's rows one subject at a time when the rows come grouped by
/// subject (as `waves lmm` gives them): the same criterion, to the bit, as with every subject's
/// sums kept at once.
final class ProfiledREMLStreamTests: XCTestCase {
    func testOneSubjectAtATimeEqualsEverySubjectAtOnce() throws {
        for (name, thetas) in [("lmm-c-slopes-role", [[1.0, 0.0, 1.0], [1.87, 0.064, 0.737], [-0.4, 2.0, 0.0]]),
                               ("lmm-b-dropout-linear", [[1.0], [0.0], [3.5]]),
                               ("lmm-a-intercept-categorical", [[0.5], [2.0]]),
                               ("lmm-e-singular-slopes", [[1.0, 0.3, 0.0], [0.2, -0.1, 0.9]])] {
            let fx = try MixedModelFixture(name)
            let data = MixedModel.complete(y: fx.y, subject: fx.subject, fixed: fx.x, slope: fx.hasSlope ? fx.slope : nil)
            let ols = try MixedModel.leastSquaresStart(y: data.y, x: data.x, terms: fx.terms)
            for pool in [true, false] {
                let streamed = ProfiledREML(y: data.y, subjectIndex: data.subjectIndex, nSubjects: data.nSubjects,
                                            x: data.x, slope: data.slope, ols: ols, pool: pool)
                let atOnce = ProfiledREML(y: data.y, subjectIndex: data.subjectIndex, nSubjects: data.nSubjects,
                                          x: data.x, slope: data.slope, ols: ols, pool: pool, stream: false)
                XCTAssertTrue(streamed.streamed, "\(name): the fixture's rows are grouped by participant")
                XCTAssertFalse(atOnce.streamed)
                XCTAssertEqual(streamed.nPatterns, atOnce.nPatterns, name)
                for theta in thetas {
                    let a = try streamed.evaluate(theta: theta, inverse: true)
                    let b = try atOnce.evaluate(theta: theta, inverse: true)
                    XCTAssertEqual("\(a)", "\(b)", "\(name) pool \(pool) theta \(theta)")
                }
            }
        }
    }

    /// Rows not grouped by subject (or a subject number skipped) take the path that keeps every subject's sums.
    func testUngroupedRowsAreNotStreamed() throws {
        let fx = try MixedModelFixture("lmm-b-dropout-linear")
        let data = MixedModel.complete(y: fx.y, subject: fx.subject, fixed: fx.x, slope: nil)
        let ols = try MixedModel.leastSquaresStart(y: data.y, x: data.x, terms: fx.terms)
        var index = data.subjectIndex
        index.swapAt(0, index.count - 1)
        XCTAssertFalse(ProfiledREML(y: data.y, subjectIndex: index, nSubjects: data.nSubjects, x: data.x, slope: nil, ols: ols).streamed)
        let skipping = data.subjectIndex.map { $0 == 0 ? 0 : $0 + 1 }
        XCTAssertFalse(ProfiledREML(y: data.y, subjectIndex: skipping, nSubjects: data.nSubjects + 1, x: data.x, slope: nil, ols: ols).streamed)
    }
}
