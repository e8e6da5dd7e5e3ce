import Foundation

extension MixedModel {
    /// The observations with every value present, subjects renumbered 0..<nSubjects by first appearance.
    struct CompleteData {
        var y: [Double]
        var x: FixedDesign
        var slope: [Double]?
        var subjectIndex: [Int]
        var nSubjects: Int
        var dropped: Int
    }

    static func complete(y: [Double], subject: [Int], fixed: Matrix, slope: [Double]?) -> CompleteData {
        complete(y: y, subject: subject, design: FixedDesign(fixed), slope: slope)
    }

    static func complete(y: [Double], subject: [Int], design: FixedDesign, slope: [Double]?) -> CompleteData {
        func isComplete(_ r: Int) -> Bool {
            if !y[r].isFinite { return false }
            if let slope, !slope[r].isFinite { return false }
            return design.rowIsFinite(r)
        }
        // The list of complete rows only when some row is not (at 400,000 observations it is 3 MB).
        guard let firstIncomplete = (0..<y.count).first(where: { !isComplete($0) }) else {
            let (subjectIndex, nSubjects) = IntKeys.firstAppearance(subject)
            return CompleteData(y: y, x: design, slope: slope, subjectIndex: subjectIndex,
                                nSubjects: nSubjects, dropped: 0)
        }
        var keep = Array(0..<firstIncomplete)
        keep.reserveCapacity(y.count - 1)
        for r in (firstIncomplete + 1)..<y.count where isComplete(r) { keep.append(r) }
        let (subjectIndex, nSubjects) = IntKeys.firstAppearance(keep.map { subject[$0] })
        return CompleteData(y: keep.map { y[$0] }, x: design.selecting(keep),
                            slope: slope.map { s in keep.map { s[$0] } }, subjectIndex: subjectIndex,
                            nSubjects: nSubjects, dropped: y.count - keep.count)
    }

    /// Ordinary least squares for the start of the REML search; throws when X is rank deficient.
    ///
    /// Columns are checked in order on the scaled cross-product X'X (a Cholesky pivot below 1e-10
    /// means the column is, numerically, a combination of the earlier ones), as lme4 drops the
    /// later of collinear columns.
    static func leastSquaresStart(y: [Double], x: FixedDesign, terms: [String]) throws -> [Double] {
        let p = x.cols, n = x.rows
        var xtx = [Double](repeating: 0, count: p * p)
        var xty = [Double](repeating: 0, count: p)
        x.withRows { xv, start in
            for r in 0..<n {
                let row = start[r]
                for j in 0..<p {
                    let xj = xv[row + j]
                    xty[j] += xj * y[r]
                    for k in j..<p { xtx[j * p + k] += xj * xv[row + k] }
                }
            }
        }
        for j in 0..<p { for k in 0..<j { xtx[j * p + k] = xtx[k * p + j] } }
        // Rank check on the correlation-scaled cross-product.
        var l = [Double](repeating: 0, count: p * p)
        for j in 0..<p {
            guard xtx[j * p + j] > 0 else {
                throw StatsError.numerical("the fixed-effect design is rank deficient: column '\(terms[j])' is all zero")
            }
            for k in 0...j {
                var s = xtx[j * p + k] / (xtx[j * p + j] * xtx[k * p + k]).squareRoot()
                for m in 0..<k { s -= l[j * p + m] * l[k * p + m] }
                if k == j {
                    guard s > 1e-10 else {
                        throw StatsError.numerical("the fixed-effect design is rank deficient: '\(terms[j])' is a linear combination of the earlier terms")
                    }
                    l[j * p + j] = s.squareRoot()
                } else {
                    l[j * p + k] = s / l[k * p + k]
                }
            }
        }
        return try LinearAlgebra.choleskySolve(xtx, xty, "least-squares start (Cholesky factor of X'X)")
    }
}
