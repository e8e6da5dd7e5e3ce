import XCTest
@testable import WavesCore

/// `InstrumentDiff`: every kind of change between two instrument versions, labelled
/// scoring / wording / other, with the scales a scoring change touches.
final class InstrumentDiffTests: XCTestCase {
    static let base = """
    format: waves.instrument/1
    id: pi
    version: 1.0.0
    title: Identity
    response_sets:
      agree3:
        options:
          - {value: 1, label: Disagree}
          - {value: 2, label: Neutral}
          - {value: 3, label: Agree}
    items:
      - {id: a1, text: First, response: agree3}
      - {id: a2, text: Second, response: agree3}
      - {id: a3, text: Third, response: agree3}
      - {id: age, type: number, text: Age, min: 16, max: 90}
    scales:
      - {id: s, label: Scale, items: [a1, a2, a3]}
    """

    func load(_ text: String) throws -> Instrument { try InstrumentLoader.load(data: Data(text.utf8), displayPath: "pi.yaml") }

    func diff(_ edit: (String) -> String) throws -> [InstrumentChange] {
        let a = try load(Self.base), b = try load(edit(Self.base))
        return InstrumentDiff.changes(from: a, to: b)
    }

    func testIdenticalVersionsHaveNoChanges() throws {
        XCTAssertEqual(try diff { $0 + "\n# a comment\n" }, [])
    }

    func testEachKindOfChange() throws {
        func one(_ edit: @escaping (String) -> String, _ kind: InstrumentChange.Kind, _ text: String, scales: [String] = [],
                 line: UInt = #line) throws {
            let c = try diff(edit)
            XCTAssertEqual(c.map(\.text), [text], line: line)
            XCTAssertEqual(c.first?.kind, kind, line: line)
            XCTAssertEqual(c.first?.scales, scales, line: line)
        }
        try one({ $0.replacingOccurrences(of: "text: First", with: "text: Premier") }, .wording, "item a1: text \"First\" -> \"Premier\"")
        try one({ $0.replacingOccurrences(of: "{id: a2, text: Second, response: agree3}", with: "{id: a2, text: Second, response: agree3, reverse: true}") },
                .scoring, "item a2: reverse keying off -> on", scales: ["s"])
        let removed = try diff { $0.replacingOccurrences(of: "  - {id: a3, text: Third, response: agree3}\n", with: "").replacingOccurrences(of: "[a1, a2, a3]", with: "[a1, a2]") }
        XCTAssertEqual(removed.map(\.text), ["item a3 removed", "scale s: item(s) a3 left the scale"])
        XCTAssertEqual(removed.map(\.scales), [["s"], ["s"]])
        // A relabelled option of a shared response set is named for every item that uses it.
        let relabelled = try diff { $0.replacingOccurrences(of: "label: Neutral", with: "label: Not sure") }
        XCTAssertEqual(relabelled.map(\.text), ["a1", "a2", "a3"].map { "item \($0): option 2 label \"Neutral\" -> \"Not sure\"" })
        XCTAssertTrue(relabelled.allSatisfy { $0.kind == .wording && $0.scales.isEmpty })
        try one({ $0.replacingOccurrences(of: "max: 90", with: "max: 99") }, .scoring, "item age: range 16 to 90 -> 16 to 99")
        try one({ $0.replacingOccurrences(of: "items: [a1, a2, a3]", with: "items: [a1, a2]") }, .scoring, "scale s: item(s) a3 left the scale", scales: ["s"])
        try one({ $0.replacingOccurrences(of: "items: [a1, a2, a3]}", with: "items: [a1, a2, a3], score: sum}") }, .scoring, "scale s: score mean -> sum", scales: ["s"])
        try one({ $0.replacingOccurrences(of: "label: Scale", with: "label: The scale") }, .wording, "scale s: label \"Scale\" -> \"The scale\"")
        try one({ $0.replacingOccurrences(of: "title: Identity", with: "title: Identity II") }, .wording, "title changed: \"Identity\" -> \"Identity II\"")
        try one({ $0.replacingOccurrences(of: "version: 1.0.0", with: "version: 2") }, .other, "version 1.0.0 -> 2")
    }

    func testOptionValuesChangedAreScoringAndNamedPerItem() throws {
        let c = try diff { $0.replacingOccurrences(of: "{value: 3, label: Agree}", with: "{value: 4, label: Agree}") }
        XCTAssertTrue(c.allSatisfy { $0.kind == .scoring })
        XCTAssertTrue(c.map(\.text).contains("item a1: options changed: value(s) 3 removed; value(s) 4 added"), "\(c)")
        XCTAssertTrue(c.map(\.text).contains("item a1: option \"Agree\" now stored as 4 (was 3)"), "\(c)")
        XCTAssertEqual(Set(c.flatMap(\.scales)), ["s"])
    }

    func testAddedItemAndScale() throws {
        let c = try diff {
            $0.replacingOccurrences(of: "scales:\n", with: "  - {id: a4, text: Fourth, response: agree3}\nscales:\n")
                + "\n  - {id: t, label: T, items: [a4]}\n"
        }
        XCTAssertEqual(c.map(\.text), ["item a4 added", "scale t added"])
        XCTAssertEqual(c[0].scales, ["t"])
    }

    /// Hostile text in a changed item is shown through SafeText, never raw.
    func testControlCharactersInChangedTextAreNeutralised() throws {
        let c = try diff { $0.replacingOccurrences(of: "text: First", with: "text: \"Fi\\e[2Jrst\"") }
        XCTAssertEqual(c.count, 1)
        XCTAssertFalse(c[0].text.unicodeScalars.contains { $0.value == 0x1B }, c[0].text)
    }
}
