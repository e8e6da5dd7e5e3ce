import Foundation
import XCTest
@testable import WavesStats

/// The GSL wall: CGSL only behind `WavesStats/GSL/`, and the wrapper answers instead of aborting.
final class GSLWrapperTests: XCTestCase {
    /// Every file that imports CGSL is in Sources/WavesStats/GSL (so every GSL call goes through the
    /// wrapper, which turns the aborting error handler off first), and every import is internal.
    func testCGSLIsImportedOnlyBehindTheWall() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        XCTAssertFalse(files.isEmpty)
        var importers: [String] = []
        for f in files {
            let text = try String(contentsOf: f, encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("import CGSL") {
                let path = f.path.replacingOccurrences(of: sources.path + "/", with: "")
                importers.append(path)
                XCTAssertTrue(line.hasPrefix("internal import CGSL"), "\(path): \(line)")
                XCTAssertTrue(path.hasPrefix("WavesStats/GSL/"), "\(path) imports CGSL outside WavesStats/GSL/")
            }
        }
        XCTAssertTrue(importers.contains("WavesStats/GSL/GSL.swift"))
    }

    /// R: m <- matrix(c(4, 2, 0.6, 2, 3, 0.4, 0.6, 0.4, 2), 3); solve(m, c(1, 2, 3)); det(m); solve(m)[1, ]
    func testSolveInverseDeterminant() throws {
        let a = [4, 2, 0.6, 2, 3, 0.4, 0.6, 0.4, 2.0]
        let x = try LinearAlgebra.solve(a, [1, 2, 3], "test")
        let xc = try LinearAlgebra.choleskySolve(a, [1, 2, 3], "test")
        let want = [-0.30708661417323, 0.67716535433071, 1.45669291338583]
        for i in 0..<3 {
            XCTAssertEqual(x[i], want[i], accuracy: 1e-12)
            XCTAssertEqual(xc[i], want[i], accuracy: 1e-12)
        }
        XCTAssertEqual(try LinearAlgebra.determinant(a, dim: 3), 15.24, accuracy: 1e-12)
        let inv = try LinearAlgebra.inverse(a, dim: 3, "test")
        let invc = try XCTUnwrap(LinearAlgebra.choleskyInverse(a, dim: 3))
        let row1 = [0.383202099737533, -0.246719160104987, -0.065616797900262]
        for j in 0..<3 {
            XCTAssertEqual(inv[j], row1[j], accuracy: 1e-12)
            XCTAssertEqual(invc[j], row1[j], accuracy: 1e-12)
        }
        XCTAssertEqual(try XCTUnwrap(LinearAlgebra.logDeterminantSPD(a, dim: 3)), log(15.24), accuracy: 1e-12)
        let e = try LinearAlgebra.symmetricEigenvalues(a, dim: 3)
        XCTAssertEqual(e.reduce(0, +), 9, accuracy: 1e-12)
        XCTAssertEqual(e.reduce(1, *), 15.24, accuracy: 1e-10)
    }

    /// Singular and indefinite matrices give errors or nil, never an abort.
    func testFailuresAreAnswers() throws {
        let singular = [1, 2, 2, 4.0]
        XCTAssertThrowsError(try LinearAlgebra.solve(singular, [1, 1], "singular solve"))
        XCTAssertThrowsError(try LinearAlgebra.inverse(singular, dim: 2, "singular inverse"))
        XCTAssertEqual(try LinearAlgebra.determinant(singular, dim: 2), 0)
        XCTAssertNil(try LinearAlgebra.logDeterminantSPD([1, 2, 2, 1], dim: 2))
        XCTAssertNil(try LinearAlgebra.choleskyInverse([1, 2, 2, 1], dim: 2))
        XCTAssertThrowsError(try LinearAlgebra.choleskySolve([1, 2, 2, 1], [1, 1], "indefinite")) { error in
            XCTAssertTrue("\(error)".contains("indefinite"))
        }
        XCTAssertThrowsError(try GSLMatrix(rows: 0, cols: 2))
        // GSL's distribution functions with invalid arguments return NaN instead of aborting.
        XCTAssertTrue(Distributions.tQuantile(2, df: 3).isNaN || Distributions.tQuantile(2, df: 3).isInfinite)
        let pinv = try LinearAlgebra.symmetricPseudoInverse(singular, dim: 2)
        // ginv(matrix(c(1, 2, 2, 4), 2)) = matrix(c(1, 2, 2, 4), 2) / 25
        for (g, w) in zip(pinv, singular.map { $0 / 25 }) { XCTAssertEqual(g, w, accuracy: 1e-14) }
    }

    /// The minimisers free their C state and reach the Swift objective.
    /// `pseudoInverse` (as `MASS::ginv`) meets the four Moore-Penrose conditions on symmetric
    /// matrices that are nonsingular (inverted by LU after the eigenvalue test), symmetric up to
    /// rounding, singular (the SVD drops the zero singular value) and bordered like the score
    /// tests' information matrix, and on a matrix that is not symmetric; and the nonsingular
    /// symmetric result equals the inverse.
    func testPseudoInverseIsMoorePenroseOnEveryPath() throws {
        func check(_ a: [Double], _ n: Int, _ label: String) throws -> [Double] {
            let x = try LinearAlgebra.pseudoInverse(a, dim: n)
            let ax = LinearAlgebra.multiply(a, n, n, x, n, n), xa = LinearAlgebra.multiply(x, n, n, a, n, n)
            let axa = LinearAlgebra.multiply(ax, n, n, a, n, n), xax = LinearAlgebra.multiply(xa, n, n, x, n, n)
            for i in 0..<n {
                for j in 0..<n {
                    XCTAssertEqual(axa[i * n + j], a[i * n + j], accuracy: 1e-9, "\(label): A X A = A")
                    XCTAssertEqual(xax[i * n + j], x[i * n + j], accuracy: 1e-9, "\(label): X A X = X")
                    XCTAssertEqual(ax[i * n + j], ax[j * n + i], accuracy: 1e-9, "\(label): A X symmetric")
                    XCTAssertEqual(xa[i * n + j], xa[j * n + i], accuracy: 1e-9, "\(label): X A symmetric")
                }
            }
            return x
        }
        let spd = [4.0, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]
        let x = try check(spd, 3, "symmetric, nonsingular")
        let inv = try LinearAlgebra.inverse(spd, dim: 3, "test")
        for (u, v) in zip(x, inv) { XCTAssertEqual(u, v, accuracy: 1e-14) }
        var nearly = spd
        nearly[1] += 1e-15
        _ = try check(nearly, 3, "symmetric up to rounding")
        // Rank 2: the third row is the sum of the first two.
        let singular = [2.0, 1, 3, 1, 2, 3, 3, 3, 6]
        let ps = try check(singular, 3, "symmetric, singular")
        XCTAssertTrue(ps.allSatisfy(\.isFinite))
        // [[J, R'], [R, 0]]: J singular alone (two equal columns), the border makes it nonsingular.
        let bordered = [1.0, 1, 0, 1, 1, 1, 0, -1, 0, 0, 2, 0, 1, -1, 0, 0]
        _ = try check(bordered, 4, "bordered")
        _ = try check([1.0, 2, 3, 4], 2, "not symmetric")
        _ = try check([1.0, 2, 2, 4.0000000001], 2, "nearly singular, symmetric")
    }

    func testMinimisers() throws {
        // Minimum of (x - 1.1)^2 + 2 (y + 0.37)^2 + 0.3 x y: solve 2(x - 1.1) + 0.3 y = 0, 4(y + 0.37) + 0.3 x = 0.
        let s = try SimplexMinimizer(dimension: 2) { x in
            (x[0] - 1.1) * (x[0] - 1.1) + 2 * (x[1] + 0.37) * (x[1] + 0.37) + 0.3 * x[0] * x[1]
        }
        try s.start(at: [0.1, 0.2], step: 0.5)
        var iterations = 0
        while iterations < 2000 && s.size > 1e-10 { iterations += 1; if !s.iterate() { break } }
        XCTAssertLessThan(s.size, 1e-6, "after \(iterations) iterations")
        let want = try LinearAlgebra.solve([2, 0.3, 0.3, 4], [2.2, -1.48], "stationary point")
        XCTAssertEqual(s.x[0], want[0], accuracy: 1e-6)
        XCTAssertEqual(s.x[1], want[1], accuracy: 1e-6)
        let g = try GradientMinimizer(dimension: 1, value: { ($0[0] - 3) * ($0[0] - 3) }, gradient: { [2 * ($0[0] - 3)] })
        try g.start(at: [0], step: 0.1, lineTolerance: 0.1, "test")
        for _ in 0..<100 where !g.gradientBelow(1e-10) { if !g.iterate() { break } }
        XCTAssertEqual(g.x[0], 3, accuracy: 1e-8)
    }
}
