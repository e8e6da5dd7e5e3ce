import Foundation
import XCTest
@testable import WavesStats

/// One lmm-* fixture: data.csv (subject, y, slope, x1..xp from R's model.matrix) and
/// expected.json from lme4 + lmerTest (see Fixtures/lmm-common/fit.R).
struct MixedModelFixture {
    struct Fixed { let term: String; let estimate, se, df, t, p: Double }
    struct Contrast { let l: [Double]; let estimate, se, df, t, p: Double }

    let name: String
    let subject: [Int]
    let y: [Double]
    let slope: [Double]
    let x: Matrix
    let terms: [String]
    let fixed: [Fixed]
    let random: [String: Double]
    let theta: [Double]
    let sigma: Double
    let loglik: Double
    let aic: Double
    let loglikDF: Int
    let singular: Bool
    let nObs: Int
    let nSubjects: Int
    let contrasts: [Contrast]
    let hasSlope: Bool

    static func folder(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    init(_ name: String) throws {
        self.name = name
        let dir = Self.folder(name)
        let csv = try String(contentsOf: dir.appendingPathComponent("data.csv"), encoding: .utf8)
        var lines = csv.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",").map { $0.replacingOccurrences(of: "\"", with: "") }
        let p = header.filter { $0.hasPrefix("x") }.count
        var subject: [Int] = [], y: [Double] = [], slope: [Double] = [], xv: [Double] = []
        for line in lines where !line.isEmpty {
            let f = line.split(separator: ",").map { Double($0)! }
            subject.append(Int(f[0])); y.append(f[1]); slope.append(f[2])
            xv.append(contentsOf: f[3..<(3 + p)])
        }
        self.subject = subject; self.y = y; self.slope = slope
        self.x = Matrix(rows: y.count, cols: p, values: xv)

        let data = try Data(contentsOf: dir.appendingPathComponent("expected.json"))
        let j = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        terms = j["terms"] as! [String]
        fixed = (j["fixed"] as! [[String: Any]]).map {
            Fixed(term: $0["term"] as! String, estimate: $0["estimate"] as! Double, se: $0["se"] as! Double,
                  df: $0["df"] as! Double, t: $0["t"] as! Double, p: $0["p"] as! Double)
        }
        random = j["random"] as! [String: Double]
        hasSlope = random["slope_var"] != nil
        theta = j["theta"] as? [Double] ?? [j["theta"] as! Double]
        sigma = j["sigma"] as! Double
        loglik = j["loglik"] as! Double
        aic = j["aic"] as! Double
        loglikDF = j["loglik_df"] as! Int
        singular = j["singular"] as! Bool
        nObs = j["n_obs"] as! Int
        nSubjects = j["n_subjects"] as! Int
        contrasts = (j["contrasts"] as? [[String: Any]] ?? []).map {
            Contrast(l: $0["L"] as! [Double], estimate: $0["estimate"] as! Double, se: $0["se"] as! Double,
                     df: $0["df"] as! Double, t: $0["t"] as! Double, p: $0["p"] as! Double)
        }
    }

    func fit() throws -> MixedModelResult {
        try MixedModel.fit(y: y, subject: subject, fixed: x, terms: terms, randomSlope: hasSlope ? slope : nil)
    }
}
