import Foundation
import XCTest
import WavesAnalysis
import WavesCore
import WavesSurvey
@testable import WavesCoding

/// The coding session driven through the scripted console, in plain and interactive mode.
final class CodingSessionTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try CodingFixture.make("session") }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    var clock = 0
    func now() -> String { clock += 1; return String(format: "2026-04-01T10:%02d:00Z", clock % 60) }

    func project() throws -> CodingProject { try CodingProject.load(directory: dir, codebook: nil) }

    /// Runs plain mode on `lines`; returns the transcript.
    @discardableResult
    func plain(_ coder: String, _ lines: [String], seed: UInt64 = 3, context: Bool = false) throws -> (String, CodingOutcome) {
        let p = try project()
        let plan = try CodingPlan.coding(p, coder: coder, seed: seed, showContext: context)
        let log = try p.log(coder)
        let console = ScriptedConsole(lines: lines)
        let outcome = try PlainCodingFrontEnd(console: console, echo: true).run(plan, record: { try log.append($0) }, now: now)
        return (console.output, outcome)
    }

    func latest(_ coder: String) throws -> [String: CodingDecision] { try project().record(of: coder).latest }

    func testUnitsAreTheNonBlankTextAnswers() throws {
        let p = try project()
        XCTAssertEqual(p.units.map(\.id), ["r1/dy01", "r1/dy02", "r3/dy01", "r2/dy01", "r4/dy01", "r4/dy02"])
        XCTAssertEqual(try p.data.codingUnits(wave: "w2").count, 3)
        XCTAssertEqual(try p.data.codingUnits(item: "diary.dy02").map(\.id), ["r1/dy02", "r4/dy02"])
        XCTAssertThrowsError(try p.data.codingUnits(item: "nope")) { XCTAssertTrue($0.localizedDescription.contains("diary.dy01, diary.dy02")) }
        XCTAssertThrowsError(try p.data.codingUnits(wave: "w9"))
    }

    func testBlindOrderIsSeededAndStableWhenUnitsAreAdded() throws {
        let units = try project().units
        let a = CodingOrder.blind(units, seed: 7), b = CodingOrder.blind(units, seed: 7), c = CodingOrder.blind(units, seed: 8)
        XCTAssertEqual(a.map(\.id), b.map(\.id))
        XCTAssertNotEqual(a.map(\.id), c.map(\.id))
        XCTAssertNotEqual(a.map(\.id), units.map(\.id))
        let fewer = CodingOrder.blind(Array(units.dropLast()), seed: 7)
        XCTAssertEqual(fewer.map(\.id), a.map(\.id).filter { $0 != units.last!.id })
    }

    func testPlainCodingTogglesMemoBackForwardAndResume() throws {
        // Codes: 1 Ecosystem, 2 Dyad, 3 Reflection, 4 Identity work.
        let (out, outcome) = try plain("ann", ["2 3", "m first thoughts", "", "4", "b", "", "", "", "q"])
        XCTAssertTrue(out.contains("Unit 1 of 6 (not coded yet; 0 of 6 coded)."), out)
        XCTAssertTrue(out.contains("Codes now: 2 Dyad; 3 Reflection"), out)
        XCTAssertTrue(out.contains("Memo: first thoughts"))
        XCTAssertTrue(out.contains("Unit 2 of 6"))
        XCTAssertFalse(out.contains("Participant"), "blind: no ids")
        // Unit 1 on Enter, unit 2 on going back (changed), unit 1 and 2 again unchanged (nothing), unit 3 on Enter.
        XCTAssertEqual(outcome.recorded, 3)
        let first = CodingOrder.blind(try project().units, seed: 3)
        let l = try latest("ann")
        XCTAssertEqual(l[first[0].id]?.codes, ["micro", "reflection"])
        XCTAssertEqual(l[first[0].id]?.memo, "first thoughts")
        XCTAssertEqual(l[first[1].id]?.codes, ["identity"])
        XCTAssertEqual(l[first[2].id]?.codes, [], "Enter on an untouched unit records 'no code applies'")
        XCTAssertNil(l[first[3].id], "leaving an untouched unit writes nothing")
        // Resume: the next session starts at the first unit without a decision.
        let (again, _) = try plain("ann", ["q"])
        XCTAssertTrue(again.contains("Unit 4 of 6 (not coded yet; 3 of 6 coded)."), again)
        XCTAssertEqual(try String(contentsOf: try project().log("ann").url, encoding: .utf8).split(separator: "\n").count, 3)
    }

    func testDefinitionsHelpAndBadInput() throws {
        let (out, _) = try plain("ann", ["?2", "?9", "9", "x", "g 99", "h", "q"])
        XCTAssertTrue(out.contains("Dyad: The mentor-mentee pair."), out)
        XCTAssertTrue(out.contains("Use when: One partner and the other."))
        XCTAssertTrue(out.contains("Not when: Groups."))
        XCTAssertTrue(out.contains("Example: My mentor listened."))
        XCTAssertTrue(out.contains("There is no code 9; codes are numbered 1 to 4."))
        XCTAssertTrue(out.contains("Please type code numbers from 1 to 4, or h for help."))
        XCTAssertTrue(out.contains("There is no unit 99; type a number from 1 to 6."))
        XCTAssertTrue(out.contains(PlainCodingFrontEnd.help))
        XCTAssertEqual(try latest("ann").count, 0)
    }

    func testHostileTextIsNeutralisedOnScreen() throws {
        let units = CodingOrder.blind(try project().units, seed: 3)
        let n = units.firstIndex { $0.id == "r2/dy01" }! + 1
        let (out, _) = try plain("ann", ["g \(n)", "q"], context: true)
        XCTAssertFalse(out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E }, "no raw control reaches the terminal")
        XCTAssertTrue(out.contains("^[]0;PWNED^G^[[2J<script>alert(1)</script> <U+202E>evil"), out)
        XCTAssertTrue(out.contains("Participant P2 · peer-mentor · w1 · diary.dy01"), "--show-context reveals the context")
    }

    func testCodebookChangedBetweenSessionsKeepsAndShowsTheOldCode() throws {
        let log = try project().log("ann")
        let first = CodingOrder.blind(try project().units, seed: 3)[0]
        try log.append(CodingDecision(unit: first.id, codes: ["micro", "gone"], memo: "", at: "2026-04-01T09:00:00Z", coder: "ann",
                                      codebook: "mini", codebookVersion: "0.9.0", codebookSHA256: "abc"))
        let rec = try project().record(of: "ann")
        XCTAssertEqual(rec.unknownCodes, ["gone": 1])
        XCTAssertTrue(rec.changedCodebook)
        XCTAssertTrue(rec.problems.contains { $0.message.contains("code 'gone'") && $0.message.contains("not in codebook mini") })
        // Re-open the unit: the old code is listed (5th row) and kept unless the coder removes it.
        let (out, _) = try plain("ann", ["g 1", "3", "", "q"])
        XCTAssertTrue(out.contains("Note: data/coding/ann.jsonl: warning: code 'gone'"), out)
        XCTAssertTrue(out.contains("5 [x] gone (no longer in the codebook)"), out)
        XCTAssertEqual(try latest("ann")[first.id]?.codes, ["micro", "reflection", "gone"])
        _ = try plain("ann", ["g 1", "5", "", "q"])
        XCTAssertEqual(try latest("ann")[first.id]?.codes, ["micro", "reflection"])
        // Agreement ignores codes the codebook does not define.
        XCTAssertEqual(try project().judgements(try project().record(of: "ann")).codes[first.id], ["micro", "reflection"])
    }

    func testInteractiveKeysToggleDefineMemoAndLeave() throws {
        let p = try project()
        let plan = try CodingPlan.coding(p, coder: "bea", seed: 3, showContext: false)
        let log = try p.log("bea")
        let keys: [Key] = [.character("2"), .down, .down, .character(" "), .character("?"), .character("m"),
                           .character("o"), .character("k"), .backspace, .character("!"), .enter, .enter,
                           .character("4"), .character("m"), .character("x"), .escape, .left, .right, .character("q")]
        let console = ScriptedConsole(keys: keys, size: TerminalSize(columns: 60, rows: 18))
        let out = try InteractiveCodingFrontEnd(console: console, style: Style(colors: false, unicode: true))
            .run(plan, record: { try log.append($0) }, now: now)
        XCTAssertEqual(out.recorded, 2)
        let order = CodingOrder.blind(p.units, seed: 3)
        let l = try project().record(of: "bea").latest
        XCTAssertEqual(l[order[0].id]?.codes, ["micro", "identity"])
        XCTAssertEqual(l[order[0].id]?.memo, "o!")
        XCTAssertEqual(l[order[1].id]?.codes, ["identity"], "Escape cancels the memo edit; leaving records the toggled code")
        XCTAssertTrue(console.output.contains("Identity work: Trying on a professional self."), "? shows the definition")
        let screen = console.lastScreen
        XCTAssertTrue(screen.contains("2 of 6"), screen)
        for line in screen.split(separator: "\n") { XCTAssertLessThanOrEqual(TextLayout.width(String(line)), 59, String(line)) }
        XCTAssertLessThanOrEqual(screen.split(separator: "\n", omittingEmptySubsequences: false).count, 18)
    }

    func testInteractiveScreensFitTinyAndResizedTerminals() throws {
        let p = try project()
        for (cols, rows) in [(20, 5), (40, 8), (120, 50)] {
            let plan = try CodingPlan.coding(p, coder: "cy", seed: 3, showContext: true)
            let keys: [Key] = [.down, .down, .down, .down, .character("?"), .pageDown, .pageDown, .resize, .pageUp, .character("q")]
            let console = ScriptedConsole(keys: keys, size: TerminalSize(columns: cols, rows: rows))
            let out = try InteractiveCodingFrontEnd(console: console, style: Style(colors: true, unicode: false))
                .run(plan, record: { _ in }, now: now)
            XCTAssertEqual(out.recorded, 0)
            let lines = console.lastScreen.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertLessThanOrEqual(lines.count, rows, "\(cols)x\(rows)")
            for l in lines { XCTAssertLessThanOrEqual(TextLayout.width(String(l)), cols - 1, "\(cols)x\(rows): \(l)") }
        }
    }

    func testInteractiveScreenNeutralisesHostileText() throws {
        let p = try project()
        let plan = try CodingPlan.coding(p, coder: "bea", seed: 3, showContext: false)
        let n = plan.session.units.firstIndex { $0.id == "r2/dy01" }!
        let keys = Array(repeating: Key.right, count: n) + [.character("q")]
        let console = ScriptedConsole(keys: keys, size: TerminalSize(columns: 80, rows: 24))
        _ = try InteractiveCodingFrontEnd(console: console, style: Style(colors: false, unicode: false))
            .run(plan, record: { _ in }, now: now)
        let raw = console.output.replacingOccurrences(of: "\u{1B}[", with: "")   // the screen's own CSI codes
        XCTAssertFalse(raw.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
        XCTAssertTrue(console.lastScreen.contains("^[]0;PWNED^G^[[2J<script>alert(1)</script>"), console.lastScreen)
    }

    func testReconcileWalksDisagreementsAndRecordsConsensus() throws {
        let p = try project()
        let a = try p.log("ann"), b = try p.log("ben")
        func d(_ c: String, _ u: String, _ codes: [String], _ memo: String = "") -> CodingDecision {
            CodingDecision(unit: u, codes: codes, memo: memo, at: "2026-04-01T10:00:00Z", coder: c, codebook: "mini")
        }
        try a.append(d("ann", "r1/dy01", ["micro"])); try b.append(d("ben", "r1/dy01", ["micro"]))
        try a.append(d("ann", "r1/dy02", ["reflection"])); try b.append(d("ben", "r1/dy02", ["reflection", "identity"], "maybe identity"))
        try a.append(d("ann", "r4/dy01", ["identity"])); try b.append(d("ben", "r4/dy01", []))
        try a.append(d("ann", "r4/dy02", ["reflection"]))
        let plan = try CodingPlan.reconcile(try project(), a: "ann", b: "ben", coder: "consensus", showContext: false)
        XCTAssertEqual(plan.session.units.map(\.id), ["r1/dy02", "r4/dy01"])
        let console = ScriptedConsole(lines: ["", "4", ""])
        let log = try p.log("consensus")
        _ = try PlainCodingFrontEnd(console: console, echo: false).run(plan, record: { try log.append($0) }, now: now)
        XCTAssertTrue(console.output.contains("3 [x] Reflection (applied by ann and ben)"), console.output)
        XCTAssertTrue(console.output.contains("4 [ ] Identity work (applied by ben)"))
        XCTAssertTrue(console.output.contains("Memo of ben: maybe identity"))
        let c = try project().record(of: "consensus").latest
        XCTAssertEqual(c["r1/dy02"]?.codes, ["reflection"], "starts from the codes both applied")
        XCTAssertEqual(c["r4/dy01"]?.codes, ["identity"])
        // The effective coding prefers the consensus, else the codes more than half applied.
        let eff = try project().effectiveCoding().coding
        XCTAssertEqual(eff["r4/dy01"], ["identity"])
        XCTAssertEqual(eff["r1/dy01"], ["micro"])
        XCTAssertEqual(eff["r4/dy02"], ["reflection"], "one coder: theirs")
        XCTAssertThrowsError(try CodingPlan.reconcile(try project(), a: "ann", b: "zed", coder: "consensus", showContext: false)) {
            XCTAssertTrue($0.localizedDescription.contains("no coder 'zed'"), $0.localizedDescription)
        }
    }
}
