import Foundation
import XCTest
import WavesAnalysis
import WavesCore
import WavesStats
@testable import WavesCoding

/// Agreement per code (with the parent rule), the joint display, and the demo's simulated coders.
final class CodingAnalysisTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let demo = repo.appendingPathComponent("datasets/pmi-demo")

    func testAgreementPerCodeByHand() throws {
        let dir = try CodingFixture.make("agree")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try CodingProject.load(directory: dir, codebook: nil)
        let units = ["r1/dy01", "r1/dy02", "r3/dy01", "r4/dy01"]
        let ann = CoderJudgements(coder: "ann", codes: ["r1/dy01": ["micro"], "r1/dy02": ["reflection"], "r3/dy01": [], "r4/dy01": ["identity", "micro"]])
        let ben = CoderJudgements(coder: "ben", codes: ["r1/dy01": ["eco"], "r1/dy02": ["reflection", "identity"], "r3/dy01": [], "r4/dy01": ["identity"],
                                                       "elsewhere/dy01": ["eco"]])
        let r = AgreementAnalysis.run(codebook: p.codebook, coders: [ann, ben], units: units, bootstrap: 200, seed: 5)
        func row(_ id: String) -> AgreementReport.CodeRow { r.codes.first { $0.code == id }! }
        // eco: a parent is present when it or a child is applied: ann 1,0,0,1; ben 1,0,0,0.
        XCTAssertEqual(row("eco").nUnits, 4)
        XCTAssertEqual(row("eco").present, 3)
        XCTAssertEqual(row("eco").percentAgreement!, 0.75, accuracy: 1e-12)
        XCTAssertEqual(row("eco").cohenKappa!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(row("eco").krippendorffAlpha!, 1 - 7.0 * 2 / 30, accuracy: 1e-12)
        XCTAssertEqual(row("eco").flag, "unreliable")
        // micro: ann 1,0,0,1; ben 0,0,0,0: kappa 0, alpha 1 - 7*4/24.
        XCTAssertEqual(row("micro").percentAgreement!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(row("micro").cohenKappa!, 0, accuracy: 1e-12)
        XCTAssertEqual(row("micro").krippendorffAlpha!, 1 - 28.0 / 24, accuracy: 1e-12)
        XCTAssertEqual(row("reflection").krippendorffAlpha, 1)
        XCTAssertNil(row("reflection").flag)
        XCTAssertEqual(row("identity").cohenKappa!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(r.overall.percentAgreement!, 12.0 / 16, accuracy: 1e-12)
        XCTAssertEqual(r.units, 4)
        XCTAssertTrue(r.notes.contains { $0.contains("1 coded unit(s) are not among the units in scope") }, "\(r.notes)")
        // Three coders: no kappa; a unit judged by one coder only is not pairable.
        let cy = CoderJudgements(coder: "cy", codes: ["r1/dy01": ["micro"], "r4/dy02": ["micro"]])
        let r3 = AgreementAnalysis.run(codebook: p.codebook, coders: [ann, ben, cy], units: units + ["r4/dy02"], bootstrap: 0)
        XCTAssertNil(r3.codes[0].cohenKappa)
        XCTAssertNil(r3.codes[0].alphaCI)
        XCTAssertEqual(r3.codes[0].nUnits, 4)
        XCTAssertEqual(r3.units, 5)
        // eco on r1/dy01: three coders, all present: pairs agree; the rest as before -> (1 + 1 + 1 + 0) / 4.
        XCTAssertEqual(r3.codes[0].percentAgreement!, 0.75, accuracy: 1e-12)
        // The JSON never holds NaN and has the contract's keys.
        let json = String(decoding: try JSONEncoder().encode(r3), as: UTF8.self)
        for key in ["\"codebook\"", "\"coders\"", "\"units\"", "\"n_units\"", "\"percent_agreement\"", "\"cohen_kappa\":null",
                    "\"krippendorff_alpha\"", "\"alpha_ci\":null", "\"overall\""] { XCTAssertTrue(json.contains(key), key) }
    }

    func testJointDisplayFrequenciesAndCooccurrence() throws {
        let dir = try CodingFixture.make("joint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try CodingProject.load(directory: dir, codebook: nil)
        let coding: [String: Set<String>] = ["r1/dy01": ["micro"], "r1/dy02": ["reflection", "micro"], "r2/dy01": ["identity"], "r4/dy01": ["micro", "identity"]]
        let d = try JointDisplay.build(data: p.data, codebook: p.codebook, units: p.units, coding: coding, source: "test")
        func f(_ c: String, _ w: String, _ r: String) -> JointDisplay.Frequency { d.frequencies.first { $0.code == c && $0.wave == w && $0.role == r }! }
        XCTAssertEqual(d.unitsCoded, 4)
        XCTAssertEqual(f("eco", "w1", "mentee").units, 2)
        XCTAssertEqual(f("eco", "w1", "mentee").unitsCoded, 2)
        XCTAssertEqual(f("eco", "w1", "mentee").participants, 1)
        XCTAssertEqual(f("eco", "w1", "mentee").share, 1)
        XCTAssertEqual(f("eco", "w2", "mentee").unitsCoded, 0)
        XCTAssertNil(f("eco", "w2", "mentee").share)
        XCTAssertEqual(f("identity", "w2", "peer-mentor").share, 1)
        XCTAssertEqual(f("identity", "w1", "peer-mentor").units, 1)
        let i = Dictionary(uniqueKeysWithValues: d.codes.enumerated().map { ($1.code, $0) })
        XCTAssertEqual(d.cooccurrence[i["micro"]!][i["identity"]!], 1)
        XCTAssertEqual(d.cooccurrence[i["eco"]!][i["micro"]!], 3)
        XCTAssertEqual(d.cooccurrence[i["micro"]!][i["micro"]!], 3)
        XCTAssertEqual(d.cooccurrence[i["reflection"]!][i["identity"]!], 0)
        XCTAssertEqual(d.change.count, 0)
        XCTAssertThrowsError(try JointDisplay.build(data: p.data, codebook: p.codebook, units: p.units, coding: coding, source: "t", scale: "nope"))
    }

    func testJointDisplayChangeGroupsOnTheDemo() throws {
        let p = try CodingProject.load(directory: Self.demo, codebook: nil)
        let (coding, source, problems) = try p.effectiveCoding()
        XCTAssertEqual(problems, [])
        XCTAssertTrue(source.hasPrefix("consensus"), source)
        let d = try JointDisplay.build(data: p.data, codebook: p.codebook, units: p.units, coding: coding, source: source, scale: "identity")
        XCTAssertEqual(d.from, "w1"); XCTAssertEqual(d.to, "w3")
        let table = p.data.scoreTable(instrument: try p.data.resolveScale("identity").instrument, scale: try p.data.resolveScale("identity").scale)
        let coded = p.units.filter { coding[$0.id] != nil }
        for c in d.change {
            let carriers = Set(coded.filter { p.codebook.isPresent(c.code, in: coding[$0.id]!) }.map(\.participant))
            let changes = carriers.compactMap { who -> Double? in
                guard let a = table[who]?["w1"], let b = table[who]?["w3"] else { return nil }
                return b - a
            }
            XCTAssertEqual(c.with.n, changes.count, c.code)
            if !changes.isEmpty { XCTAssertEqual(c.with.meanChange!, changes.reduce(0, +) / Double(changes.count), accuracy: 1e-12, c.code) }
            XCTAssertEqual(c.with.increase + c.with.noChange + c.with.decrease, c.with.n, c.code)
            XCTAssertEqual(c.with.n + c.without.n, d.change[0].with.n + d.change[0].without.n, c.code)
        }
        // The demo's pattern: diaries with identity work come from participants who changed more.
        let identity = d.change.first { $0.code == "identity" }!
        XCTAssertGreaterThan(identity.difference!, 0)
    }

    func testSimulatedCodersRebuildTheDemoCodingsByteForByte() throws {
        let p = try CodingProject.load(directory: Self.demo, codebook: nil)
        let made = try SimulatedCoders.make(p, coders: ["coder-a", "coder-b"], seed: 2026)
        XCTAssertEqual(made.map(\.coder), ["coder-a", "coder-b", "consensus"])
        for (coder, decisions) in made {
            let text = decisions.map { $0.jsonLine + "\n" }.joined()
            let committed = try String(contentsOf: Self.demo.appendingPathComponent("data/coding/\(coder).jsonl"), encoding: .utf8)
            XCTAssertEqual(text, committed, coder)
        }
        // Realistic disagreement: the two coders agree often, not always.
        let a = Dictionary(uniqueKeysWithValues: made[0].decisions.map { ($0.unit, Set($0.codes)) })
        let same = made[1].decisions.filter { a[$0.unit] == Set($0.codes) }.count
        XCTAssertGreaterThan(same, made[1].decisions.count / 4)
        XCTAssertLessThan(same, made[1].decisions.count)
        XCTAssertEqual(made[2].decisions.count, made[1].decisions.count - same)
    }
}
