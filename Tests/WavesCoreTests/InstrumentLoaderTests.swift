import XCTest
@testable import WavesCore

/// Every loader error names file, line, column and the offending value.
final class InstrumentLoaderTests: XCTestCase {
    static let header = """
    format: waves.instrument/1
    id: test
    version: 1.0.0
    title: Test
    response_sets:
      agree5:
        options:
          - {value: 1, label: No}
          - {value: 2, label: Maybe}
          - {value: 3, label: Yes}
        allow_decline: true

    """

    func load(_ text: String) throws -> Instrument {
        try InstrumentLoader.load(data: Data(text.utf8), displayPath: "instruments/test.yaml")
    }

    func problems(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        do {
            _ = try load(text)
            XCTFail("expected a load error", file: file, line: line)
            return []
        } catch let e as LoadError {
            return e.problems.filter { $0.severity == .error }.map(\.description)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return []
        }
    }

    func testValidInstrumentLoads() throws {
        let inst = try load(Self.header + """
        items:
          - {id: a1, text: One, response: agree5}
          - {id: a2, text: Two, response: agree5, reverse: true, required: true}
          - {id: a3, text: Three, response: agree5, show_if: "role == 'peer-mentor' and a1 >= 2"}
          - {id: n1, type: number, text: Age, min: 16, max: 90}
          - {id: t1, type: text, text: Diary}
          - {id: c1, type: choice, text: Pick, options: [{value: 1, label: A}, {value: 2, label: B}]}
        scales:
          - {id: s, items: [a1, a2, a3], score: sum, min_answered: 0.5}
        """)
        XCTAssertEqual(inst.items.map(\.id), ["a1", "a2", "a3", "n1", "t1", "c1"])
        XCTAssertEqual(inst.items[1].reverse, true)
        XCTAssertEqual(inst.items[0].responseSet?.allowDecline, true)
        XCTAssertEqual(inst.items[5].type, .choice)
        XCTAssertEqual(inst.items[3].max, 90)
        XCTAssertEqual(inst.scales[0].score, .sum)
        XCTAssertEqual(inst.scales[0].minAnswered, 0.5)
        XCTAssertEqual(inst.sha256.count, 64)
        XCTAssertNotNil(inst.items[2].showIf)
    }

    func testUnknownResponseSet() {
        let p = problems(Self.header + "items:\n  - {id: a1, text: One, response: agree7}\n")
        XCTAssertEqual(p, ["instruments/test.yaml:13:35: item 'a1' uses unknown response set 'agree7' (defined: agree5)"])
    }

    func testDuplicateItemID() {
        let p = problems(Self.header + "items:\n  - {id: a1, text: One, response: agree5}\n  - {id: a1, text: Two, response: agree5}\n")
        XCTAssertEqual(p, ["instruments/test.yaml:14:5: duplicate item id 'a1' (first defined on line 13)"])
    }

    func testScaleNamingMissingItem() {
        let p = problems(Self.header + "items:\n  - {id: a1, text: One, response: agree5}\nscales:\n  - {id: s, items: [a1, zz]}\n")
        XCTAssertEqual(p, ["instruments/test.yaml:15:25: scale 's' names item 'zz', which is not in this instrument"])
    }

    func testReverseOnNonLikert() {
        let p = problems(Self.header + "items:\n  - {id: t1, type: text, text: Diary, reverse: true}\n")
        XCTAssertEqual(p, ["instruments/test.yaml:13:39: item 't1' is reverse-keyed but is a text item (only likert items can be reversed)"])
    }

    func testBadShowIfNamesColumn() {
        // The quoted expression opens at column 52; the stray '=' is its 6th character, column 58 of the line.
        let p = problems(Self.header + "items:\n  - {id: a1, text: One, response: agree5, show_if: \"role = 'x'\"}\n")
        XCTAssertEqual(p, ["instruments/test.yaml:13:58: bad show_if expression for item 'a1': use '==' to compare (in \"role = 'x'\" at column 6)"])
    }

    func testShowIfReferringToLaterItem() {
        let p = problems(Self.header + "items:\n  - {id: a1, text: One, response: agree5, show_if: a2 == 1}\n  - {id: a2, text: Two, response: agree5}\n")
        XCTAssertEqual(p.count, 1)
        XCTAssertTrue(p[0].hasPrefix("instruments/test.yaml:13:"), p[0])
        XCTAssertTrue(p[0].contains("refers to 'a2', which is not an earlier item"), p[0])
    }

    func testOptionValuesNotDistinct() {
        let text = """
        format: waves.instrument/1
        id: test
        version: 1.0.0
        title: Test
        response_sets:
          yn:
            options:
              - {value: 1, label: Yes}
              - {value: 1, label: No}
        items:
          - {id: a1, text: One, response: yn}
        """
        XCTAssertEqual(problems(text), ["instruments/test.yaml:9:9: option values of response set 'yn' are not distinct: 1 appears twice"])
    }

    func testMinAnsweredOutOfRange() {
        let p = problems(Self.header + "items:\n  - {id: a1, text: One, response: agree5}\nscales:\n  - {id: s, items: [a1], min_answered: 80}\n")
        XCTAssertEqual(p, ["instruments/test.yaml:15:40: min_answered of scale 's' is 80; it must be between 0 and 1 (a fraction of the items)"])
    }

    func testUnknownFormat() {
        let p = problems("format: waves.instrument/2\nid: x\nversion: 1\ntitle: X\nitems: []\n")
        XCTAssertEqual(p, ["instruments/test.yaml:1:9: unknown format 'waves.instrument/2' (expected waves.instrument/1)"])
    }

    func testEveryProblemIsReportedAtOnce() {
        let p = problems(Self.header + """
        items:
          - {id: a1, text: One, response: nope}
          - {id: a1, text: Two, response: agree5}
          - {id: Bad, text: Three, response: agree5}
        scales:
          - {id: s, items: [zz], min_answered: 2}
        """)
        XCTAssertEqual(p.count, 5, p.joined(separator: "\n"))
    }

    func testYAMLSyntaxErrorIsLocated() {
        let p = problems("format: waves.instrument/1\nid: [unclosed\n")
        XCTAssertEqual(p.count, 1)
        XCTAssertTrue(p[0].hasPrefix("instruments/test.yaml:3:"), p[0])
        XCTAssertTrue(p[0].contains("YAML syntax error"), p[0])
    }

    func testShippedInstrumentsLoad() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../instruments").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertEqual(Set(files), ["identity.yaml", "reflection.yaml", "ecosystem.yaml", "personhood.yaml", "diary.yaml"])
        for f in files {
            let inst = try InstrumentLoader.load(url: dir.appendingPathComponent(f), displayPath: f)
            XCTAssertTrue(inst.items.contains { $0.showIfSource == "role == 'peer-mentor'" }, "\(f) has a role-specific item")
            if f != "diary.yaml" {
                XCTAssertGreaterThanOrEqual(inst.scales.count, 2, f)
                XCTAssertTrue(inst.items.contains { $0.reverse }, "\(f) has reverse-keyed items")
            }
        }
    }
}
