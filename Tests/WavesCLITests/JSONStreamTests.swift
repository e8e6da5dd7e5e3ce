import Foundation
import XCTest
@testable import WavesAnalysis
@testable import WavesCLI
import WavesCore

/// Issue 14: `waves score --json` writes its rows as `StreamedScores` hands them over
/// (`JSONOutput.printStreaming`) instead of encoding 1.8 million rows at once. The document
/// must be the bytes `JSONOutput.print` wrote before: the same keys in the same order, the
/// same numbers, and the same `\uXXXX` escapes of control characters (`escapingControls`).
final class JSONStreamTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/pmi-demo")
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-jsonstream-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.demo, to: dir)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// What `waves score --json` printed before streaming: `JSONOutput.print` of the whole result.
    func encodedAtOnce(_ rows: [ScoreRow], setAside: Int) throws -> String {
        try JSONOutput.text(ScoreCommand.Result(scores: rows, setAside: setAside)) + "\n"
    }

    func streamed(_ rows: [ScoreRow], setAside: Int, chunk: Int) throws -> String {
        var out = ""
        try JSONOutput.printStreaming(ScoreCommand.Result(scores: [], setAside: setAside), arrayKey: "scores", of: ScoreRow.self,
                                      chunk: chunk, to: { out += $0 }) { emit in
            for r in rows { try emit(r) }
        }
        return out
    }

    /// The study's rows the way `waves score --json` writes them (streamed, in chunks of
    /// `chunk`) against the rows of `StudyData` (the path before streaming) encoded at once.
    func compareScoreJSON(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let bundle = try StudyLoader.load(directory: dir)
        let data = try StudyData.load(directory: dir)
        let scores = try StreamedScores.run(bundle: bundle, instruments: bundle.instruments)
        let old = try encodedAtOnce(bundle.instruments.flatMap { data.scores(instrument: $0) },
                                    setAside: bundle.instruments.flatMap { data.setAside(instrument: $0) }.count)
        for chunk in [1, 2, 7, 4096] {
            var out = ""
            try ScoreCommand.writeJSON(scores, chunk: chunk) { out += $0 }
            XCTAssertEqual(out, old, "chunk \(chunk)", file: file, line: line)
        }
        return old
    }

    /// `ScoreCommand.json` writes a row as the encoder does, on random rows: scores of every
    /// size and sign (means of whole numbers, random doubles, tiny and huge, exact integers),
    /// missing roles and scores; rows it leaves to the encoder have texts that need escaping.
    func testScoreRowsWrittenByHandAreTheEncodersBytes() throws {
        let enc = JSONOutput.encoder()
        var g = SystemRandomNumberGenerator()
        let texts = ["P000001", "mentee", "peer-mentor", "w1", "total", "a b", "x/y", "q\"", "b\\s", "é", "t\u{7F}", "~!@#$%^&*()"]
        var byHand = 0
        for i in 0..<30_000 {
            let score: Double?
            switch i % 6 {
            case 0: score = nil
            case 1: score = Double(Int.random(in: -400...400, using: &g)) / Double(Int.random(in: 1...40, using: &g))
            case 2: score = Double.random(in: -1e7...1e7, using: &g)
            case 3: score = Double.random(in: 0...1e-4, using: &g)
            case 4: score = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &g))
            default: score = Double(Int.random(in: 0...60, using: &g))
            }
            let row = ScoreRow(participant: texts.randomElement(using: &g)!, role: Bool.random(using: &g) ? nil : texts.randomElement(using: &g)!,
                               wave: texts.randomElement(using: &g)!, instrument: texts.randomElement(using: &g)!, scale: texts.randomElement(using: &g)!,
                               score: score, answered: Int.random(in: 0...40, using: &g), k: Int.random(in: 0...40, using: &g))
            guard let mine = ScoreCommand.json(row) else { continue }
            byHand += 1
            XCTAssertEqual(mine, JSONOutput.escapingControls(String(decoding: try enc.encode(row), as: UTF8.self)))
        }
        XCTAssertGreaterThan(byHand, 1000)
    }

    func testDemoScoresStreamToTheSameBytes() throws {
        let json = try compareScoreJSON()
        XCTAssertTrue(json.hasPrefix(#"{"scores":[{"answered":"#), json)
        XCTAssertTrue(json.contains(#""score":null"#), "the demo has missing scores")
    }

    /// Participants, roles and waves with control characters (C0, DEL, C1, U+202E), quotes,
    /// backslashes, slashes and non-ASCII text, missing scores and set-aside answers.
    func testAwkwardStoreStreamsToTheSameBytes() throws {
        let store = dir.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").map(String.init)
        var extra: [String] = []
        let names = [#"Q\u007f1"#, #"Q\u202e2"#, #"Q\u009b3"#, #"Q\"/\\4"#, "Qé😀5", #"Q\u00016"#]
        for (k, l) in lines.enumerated() where k % 3 == 0 {
            let name = names[(k / 3) % names.count]
            var m = l.replacingOccurrences(of: #""participant":"P"#, with: #""participant":"\#(name)P"#)
            switch (k / 3) % 4 {
            case 0: m = m.replacingOccurrences(of: #""role":"mentee""#, with: #""role":"ment\u0085ee/ü""#)
            case 1: m = m.replacingOccurrences(of: #""wave":"w1""#, with: #""wave":"w\u001b[31m""#)
            case 2: m = m.replacingOccurrences(of: #""pi01":"#, with: #""pi01":99,"pi01x":"#)   // set aside
            default: m = m.replacingOccurrences(of: #""role":"mentee""#, with: #""role":null"#)
            }
            extra.append(m)
        }
        try Data(((lines + extra).joined(separator: "\n") + "\n").utf8).write(to: store)
        let json = try compareScoreJSON()
        for escaped in [#"\u007f"#, #"\u202e"#, #"\u009b"#, #"\u0085"#, #"\u001b"#, #"\u0001"#, "é😀", #"\"/\\"#] {
            XCTAssertTrue(json.contains(escaped), "the awkward rows reach the output: \(escaped)")
        }
        XCTAssertTrue(json.hasSuffix("}\n"))
        XCTAssertFalse(json.dropLast().unicodeScalars.contains(where: SafeText.isControl))
    }

    /// Hand-made rows: every number form, nil role and score, and texts that need escaping.
    func testHandMadeRowsStreamToTheSameBytes() throws {
        let texts = ["", "a\u{7F}b", "\u{202E}evil", "c\u{9B}1m", "tab\there", "nl\nx", "q\"uote", "back\\slash", "a/b", "é😀ü", "\u{0}", "\u{2028}"]
        let numbers: [Double?] = [nil, 0, -0.0, 1, 2.5, 1.0 / 3, 1e-7, 123456789.125, 1e21, -3.75, 4.999999999999999, .nan, .infinity]
        var rows: [ScoreRow] = []
        for (i, t) in texts.enumerated() {
            for (j, n) in numbers.enumerated() {
                rows.append(ScoreRow(participant: "P\(i)" + t, role: j % 3 == 0 ? nil : t, wave: "w" + t, instrument: "i" + t,
                                     scale: t + "s", score: n, answered: j, k: i))
            }
        }
        for count in [0, 1, 5, rows.count] {
            let some = Array(rows.prefix(count))
            let old = try encodedAtOnce(some, setAside: count)
            for chunk in [1, 3, 4096] {
                XCTAssertEqual(try streamed(some, setAside: count, chunk: chunk), old, "\(count) rows, chunk \(chunk)")
            }
        }
    }

    /// A score that is not a number is `null` both ways (`NullCodable`); a bare NaN, which
    /// JSON cannot hold, fails both ways (`nonConformingFloatEncodingStrategy = .throw`).
    func testNaNIsNullInARowAndFailsBare() throws {
        let rows = [ScoreRow(participant: "P1", role: nil, wave: "w1", instrument: "i", scale: "s", score: .nan, answered: 1, k: 1)]
        XCTAssertTrue(try streamed(rows, setAside: 0, chunk: 1).contains(#""score":null"#))
        struct Bare: Encodable { var values: [Double] }
        XCTAssertThrowsError(try JSONOutput.text(Bare(values: [1, .nan])))
        XCTAssertThrowsError(try JSONOutput.printStreaming(Bare(values: []), arrayKey: "values", of: Double.self, to: { _ in }) { emit in
            try emit(1); try emit(.nan)
        })
    }

    /// The array key must be in the shell exactly once, with an empty array.
    func testTheShellMustHoldTheEmptyArray() throws {
        struct Two: Encodable { var a: [Int]; var b: [Int] }
        XCTAssertThrowsError(try JSONOutput.printStreaming(Two(a: [], b: []), arrayKey: "c", of: Int.self, to: { _ in }) { _ in })
        var out = ""
        try JSONOutput.printStreaming(Two(a: [1], b: []), arrayKey: "b", of: Int.self, chunk: 2, to: { out += $0 }) { emit in
            for i in 0..<5 { try emit(i) }
        }
        XCTAssertEqual(out, try JSONOutput.text(Two(a: [1], b: [0, 1, 2, 3, 4])) + "\n")
    }
}
