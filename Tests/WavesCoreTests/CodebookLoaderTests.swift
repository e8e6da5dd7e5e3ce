import Foundation
import XCTest
@testable import WavesCore

/// Codebooks (`format: waves.codebook/1`): the shipped one loads; every problem is located.
final class CodebookLoaderTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func load(_ text: String) throws -> Codebook { try CodebookLoader.load(data: Data(text.utf8), displayPath: "codebooks/x.yaml") }

    func problems(_ text: String) -> [String] {
        do { _ = try load(text); return [] } catch let e as LoadError { return e.problems.map(\.description) } catch { return ["\(error)"] }
    }

    func testShippedCodebookLoadsWithEveryPartOfTheFramework() throws {
        let book = try CodebookLoader.load(url: Self.repo.appendingPathComponent("codebooks/ecosystem.yaml"), displayPath: "codebooks/ecosystem.yaml")
        XCTAssertEqual(book.id, "ecosystem")
        XCTAssertEqual(book.flat.map(\.code.id), ["ecosystem", "micro", "meso", "macro", "reflection", "identity",
                                                   "personhood", "innate", "individual", "relational", "societal"])
        for f in book.flat {
            XCTAssertFalse(f.code.definition.isEmpty, f.code.id)
            XCTAssertNotNil(f.code.include, f.code.id)
            XCTAssertNotNil(f.code.exclude, f.code.id)
            XCTAssertFalse(f.code.examples.isEmpty, f.code.id)
        }
        XCTAssertEqual(book.parent(of: "relational"), "personhood")
        XCTAssertEqual(book.subtree("ecosystem"), ["ecosystem", "micro", "meso", "macro"])
        XCTAssertTrue(book.isPresent("personhood", in: ["innate"]))
        XCTAssertFalse(book.isPresent("innate", in: ["personhood"]))
        XCTAssertEqual(book.path(of: "micro"), ["Mentoring ecosystem", "Micro: mentor-mentee dyad"])
        XCTAssertEqual(book.sha256.count, 64)
        // The demo study ships the same codebook.
        let demo = try Data(contentsOf: Self.repo.appendingPathComponent("datasets/pmi-demo/codebooks/ecosystem.yaml"))
        XCTAssertEqual(demo, try Data(contentsOf: Self.repo.appendingPathComponent("codebooks/ecosystem.yaml")))
    }

    func testEveryProblemIsLocated() {
        let p = problems("""
        format: waves.codebook/1
        id: Bad_Id
        version: 1
        title: T
        colour: red
        codes:
          - id: a
            label: A
            definition: d
            codes:
              - id: a
                label: again
                definition: d
          - id: 9b
            label: B
            definition: d
          - id: c
            label: C
          - label: no id
            definition: d
          - id: e
            label: E
            definition: d
            examples: {x: 1}
        """)
        XCTAssertTrue(p.contains("codebooks/x.yaml:2:5: codebook id 'Bad_Id' must match [a-z0-9][a-z0-9-]*"), p.joined(separator: "\n"))
        XCTAssertTrue(p.contains("codebooks/x.yaml:5:1: warning: unknown key 'colour' (ignored)"), p.joined(separator: "\n"))
        XCTAssertTrue(p.contains("codebooks/x.yaml:11:13: duplicate code id 'a' (first defined on line 7)"), p.joined(separator: "\n"))
        XCTAssertTrue(p.contains("codebooks/x.yaml:14:9: code id '9b' must match [a-z][a-z0-9_-]* (lower-case letter first)"), p.joined(separator: "\n"))
        XCTAssertTrue(p.contains("codebooks/x.yaml:17:5: code 'c' has no 'definition' (say what the code means)"), p.joined(separator: "\n"))
        XCTAssertTrue(p.contains("codebooks/x.yaml:19:5: a code of the codebook has no 'id'"), p.joined(separator: "\n"))
        XCTAssertTrue(p.contains("codebooks/x.yaml:24:15: examples of code 'e' must be a list"), p.joined(separator: "\n"))
    }

    func testFormatAndSyntax() {
        XCTAssertEqual(problems("format: waves.codebook/2\nid: x\n"), ["codebooks/x.yaml:1:9: unknown format 'waves.codebook/2' (expected waves.codebook/1)"])
        XCTAssertEqual(problems("id: x\n"), ["codebooks/x.yaml:1:1: missing 'format: waves.codebook/1'"])
        XCTAssertTrue(problems("format: [\n")[0].hasPrefix("codebooks/x.yaml:2:1: YAML syntax error"), problems("format: [\n")[0])
        XCTAssertTrue(problems("format: waves.codebook/1\nid: x\nversion: 1\ntitle: t\ncodes: []\n").contains("codebooks/x.yaml:5:8: the codebook has no codes"))
    }

    func testStudyCodebooksResolve() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-cb-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try StudyCodebooks.load(studyDirectory: dir).resolve(nil)) {
            XCTAssertTrue($0.localizedDescription.contains("the study has no codebook"), $0.localizedDescription)
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("codebooks"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.repo.appendingPathComponent("codebooks/ecosystem.yaml"), to: dir.appendingPathComponent("codebooks/ecosystem.yaml"))
        try "format: waves.codebook/1\nid: other\nversion: 1\ntitle: t\ncodes: [{id: a, label: A, definition: d}]\n"
            .write(to: dir.appendingPathComponent("codebooks/second.yaml"), atomically: true, encoding: .utf8)
        let books = StudyCodebooks.load(studyDirectory: dir)
        XCTAssertEqual(books.codebooks.map(\.id), ["ecosystem", "other"])
        XCTAssertEqual(books.problems.map(\.description), ["codebooks/second.yaml: warning: the codebook's id is 'other'; name the file other.yaml so `--codebook other` finds it by name"])
        XCTAssertEqual(try books.resolve("other").id, "other")
        XCTAssertThrowsError(try books.resolve(nil)) { XCTAssertTrue($0.localizedDescription.contains("several codebooks"), $0.localizedDescription) }
        XCTAssertThrowsError(try books.resolve("nope")) { XCTAssertTrue($0.localizedDescription.contains("no codebook 'nope' (codebooks: ecosystem, other)"), $0.localizedDescription) }
    }

    func testCodingDecisionRoundTrip() throws {
        let d = CodingDecision(unit: "r1/dy01", codes: ["micro", "reflection"], memo: "a \"memo\"\n", at: "2026-04-01T10:00:00Z",
                               coder: "ann", codebook: "ecosystem", codebookVersion: "1.0.0", codebookSHA256: "ab")
        XCTAssertEqual(d.jsonLine, #"{"format":"waves.coding/1","unit":"r1/dy01","codes":["micro","reflection"],"memo":"a \"memo\"\n","at":"2026-04-01T10:00:00Z","coder":"ann","codebook":"ecosystem","codebook_version":"1.0.0","codebook_sha256":"ab"}"#)
        XCTAssertEqual(try CodingDecision(json: try JSONParser.parse(d.jsonLine)), d)
        XCTAssertEqual(d.recordAndItem?.record, "r1")
        XCTAssertThrowsError(try CodingDecision(json: try JSONParser.parse(#"{"format":"waves.coding/1","unit":"r1/x","at":"t"}"#))) {
            XCTAssertEqual(($0 as? RecordError)?.message, "missing \"codes\" (a list of code ids, possibly empty)")
        }
    }
}
