import Foundation
import XCTest
import WavesAnalysis
import WavesCore

/// Issue 11.4: results carry enums, and `--json` still writes the contract's strings.
final class TypedResultsTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../datasets/pmi-demo").standardizedFileURL

    func json<T: Encodable>(_ v: T) throws -> [String: Any] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: enc.encode(v)) as? [String: Any])
    }

    func testChangeCorrectionIsTypedAndEncodedAsGGOrHF() throws {
        let bundle = try StudyLoader.load(directory: Self.demo)
        let three = try ChangeAnalysis.run(bundle: bundle, scale: "identity", waves: nil, betweenRole: false)
        let c = try XCTUnwrap(three.correction)
        XCTAssertEqual(try json(three)["correction"] as? String, c.rawValue)
        XCTAssertTrue(["GG", "HF"].contains(c.rawValue))
        // The corrected p and epsilon of the wave effect are the ones of that correction.
        let w = try XCTUnwrap(three.anova.first { $0.effect == "wave" })
        XCTAssertEqual(w.epsilon(c), c == .greenhouseGeisser ? w.ggEpsilon?.wrappedValue : w.hfEpsilon?.wrappedValue)
        XCTAssertEqual(w.correctedP(c), c == .greenhouseGeisser ? w.pGG?.wrappedValue : w.pHF?.wrappedValue)
        XCTAssertNil(w.epsilon(nil))
        XCTAssertEqual(SphericityCorrection.greenhouseGeisser.name(), "Greenhouse-Geisser")
        XCTAssertEqual(SphericityCorrection.huynhFeldt.name(dash: "–"), "Huynh–Feldt")
        // Two waves: no correction, written as null.
        let two = try ChangeAnalysis.run(bundle: bundle, scale: "identity", waves: ["w1", "w3"], betweenRole: false)
        XCTAssertNil(two.correction)
        XCTAssertTrue(try json(two)["correction"] is NSNull)
    }

    func testMixedModelTimeAndDFMethodEncodeAsTheirArguments() throws {
        let bundle = try StudyLoader.load(directory: Self.demo)
        let r = try MixedModelAnalysis.run(bundle: bundle, scale: "identity", time: .linear, betweenRole: false, slopes: false, df: .kenwardRoger)
        XCTAssertEqual(r.time, .linear)
        XCTAssertEqual(r.dfMethod, .kenwardRoger)
        let o = try json(r)
        XCTAssertEqual(o["time"] as? String, "linear")
        XCTAssertEqual(o["df_method"] as? String, "kenward-roger")
    }

    func testPowerDesignAndCorrectionEncodeAsTheirArguments() throws {
        var req = PowerRequest(design: .change)
        req.participants = [12]; req.waves = 3; req.sims = 20; req.effect = 0.4; req.correction = .none; req.workers = 1
        let r = try PowerPlanner.run(req, bundle: nil)
        XCTAssertEqual(r.design, .change)
        let o = try json(r)
        XCTAssertEqual(o["design"] as? String, "change")
        XCTAssertEqual((o["settings"] as? [String: Any])?["correction"] as? String, "none")
    }

    func testRecordModes() {
        XCTAssertEqual(RecordMode.allCases.map(\.rawValue), ["terminal", "plain", "import"])
        var r = ResponseRecord(study: "s", participant: "p", role: nil, wave: "w1", instrument: InstrumentRef(id: "i", version: "1", sha256: ""),
                               startedAt: nil, submittedAt: "2026-01-01T00:00:00Z", mode: "import", answers: [])
        XCTAssertEqual(r.recordMode, .import)
        r.mode = "kiosk-2030"
        XCTAssertNil(r.recordMode)
    }
}
