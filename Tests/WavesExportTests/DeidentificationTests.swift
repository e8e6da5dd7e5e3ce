import Foundation
import WavesAnalysis
import WavesCore
import WavesExport
import XCTest

/// Keyed pseudonyms, dropped free text, reduced dates, and no identifier left in any file.
final class DeidentificationTests: XCTestCase {
    func key(_ s: String) throws -> Deidentification { try Deidentification(key: Array(s.utf8)) }

    func testPseudonymsAreStableKeyedAndPerStudy() throws {
        let a = try key("8f3a1c9e4b7d2f60a5e1c8b3d9f7024e")
        let b = try key("another secret of enough length!")
        XCTAssertEqual(a.pseudonym(for: "P001", study: "s"), a.pseudonym(for: "P001", study: "s"))
        XCTAssertNotEqual(a.pseudonym(for: "P001", study: "s"), a.pseudonym(for: "P002", study: "s"))
        XCTAssertNotEqual(a.pseudonym(for: "P001", study: "s"), b.pseudonym(for: "P001", study: "s"))
        XCTAssertNotEqual(a.pseudonym(for: "P001", study: "s"), a.pseudonym(for: "P001", study: "t"))
        let p = a.pseudonym(for: "P001", study: "s")
        XCTAssertEqual(p.count, 17)
        XCTAssertTrue(p.hasPrefix("p") && p.dropFirst().allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    /// HMAC-SHA256 as RFC 4231 defines it, computed independently with Python's hmac module:
    /// hmac.new(b"8f3a1c9e4b7d2f60a5e1c8b3d9f7024e", b"waves.pseudonym/1\\0s\\0P001", "sha256").hexdigest()[:16]
    func testPseudonymIsHMACSHA256() throws {
        XCTAssertEqual(try key("8f3a1c9e4b7d2f60a5e1c8b3d9f7024e").pseudonym(for: "P001", study: "s"), "p" + Self.pythonHMAC)
    }
    static let pythonHMAC = "1443217cff7038a5"

    func testKeyFileTrailingNewlineIsIgnored() throws {
        let dir = try Support.tempDir(self)
        let f1 = dir.appendingPathComponent("k1"), f2 = dir.appendingPathComponent("k2")
        try Data("8f3a1c9e4b7d2f60a5e1c8b3d9f7024e\n".utf8).write(to: f1)
        try Data("8f3a1c9e4b7d2f60a5e1c8b3d9f7024e".utf8).write(to: f2)
        XCTAssertEqual(try Deidentification(keyFile: f1).pseudonym(for: "x", study: "s"), try Deidentification(keyFile: f2).pseudonym(for: "x", study: "s"))
    }

    /// No participant id, no free text and no time of day in any exported file.
    func testNothingIdentifyingIsLeftInAnyFormat() throws {
        let data = try Support.load(Support.edgeStudy)
        let deid = try Deidentification(keyFile: Support.testKey)
        let dir = try Support.tempDir(self)
        let forbidden = ["S01", "S02", "Zoë-07", "S04", "S05", "espaces autour", "vraiment", "Zoë : ça va", "virgule", "教学相长", "T09:00:00Z", "09:00:00"]
        let targets: [(ExportFormat, String, ExportLayout?)] = [(.csvWide, "w.csv", nil), (.sav, "l.sav", .long), (.sav, "w.sav", .wide),
                                                               (.dta, "l.dta", .long), (.dta, "w.dta", .wide), (.codebook, "c.md", nil)]
        for (format, name, layout) in targets {
            let r = try Exporter.export(data, format: format, to: dir.appendingPathComponent(name), options: ExportOptions(layout: layout, deidentification: deid))
            for f in r.files {
                let bytes = try Data(contentsOf: f)
                for word in forbidden {
                    XCTAssertNil(bytes.range(of: Data(word.utf8)), "\(f.lastPathComponent) contains '\(word)'")
                }
            }
        }
        let ids = try Exporter.export(data, format: .csvLong, to: dir.appendingPathComponent("ident.csv"),
                                      options: ExportOptions(instrument: "ident", deidentification: deid))
        let text = try String(contentsOf: ids.files[0], encoding: .utf8)
        XCTAssertFalse(text.contains("S01"))
        XCTAssertFalse(text.contains(",comment"), "free text dropped from csv-long too")
    }

    func testKeepTextAndDatePolicies() throws {
        let data = try Support.load(Support.edgeStudy)
        let dir = try Support.tempDir(self)
        let keep = try Deidentification(keyFile: Support.testKey, keepText: true)
        let withText = dir.appendingPathComponent("t.csv")
        _ = try Exporter.export(data, format: .csvWide, to: withText, options: ExportOptions(deidentification: keep, dates: .keep))
        let t = try String(contentsOf: withText, encoding: .utf8)
        XCTAssertTrue(t.contains("espaces autour"))
        XCTAssertTrue(t.contains("2026-01-10T09:00:00Z"))
        XCTAssertFalse(t.contains("S01"))

        let dropped = dir.appendingPathComponent("d.csv")
        _ = try Exporter.export(data, format: .csvWide, to: dropped, options: ExportOptions(deidentification: keep, dates: .drop))
        let d = try String(contentsOf: dropped, encoding: .utf8)
        XCTAssertFalse(d.contains("submitted_"))
        XCTAssertFalse(d.contains("2026-"))

        // Without --deidentify, dates can still be reduced.
        let plain = dir.appendingPathComponent("p.csv")
        _ = try Exporter.export(data, format: .csvWide, to: plain, options: ExportOptions(dates: .date))
        let p = try String(contentsOf: plain, encoding: .utf8)
        XCTAssertTrue(p.contains("S01,student,2026-01-10,"))
    }

    /// Rows are ordered by pseudonym, so the roster's order does not reveal who is who.
    func testRowsAreSortedByPseudonym() throws {
        let data = try Support.load(Support.edgeStudy)
        let deid = try Deidentification(keyFile: Support.testKey)
        let out = try Support.tempDir(self).appendingPathComponent("x.sav")
        _ = try Exporter.export(data, format: .sav, to: out, options: ExportOptions(deidentification: deid))
        let f = try StatFileReader.read(out)
        let ids = f.rows.map { r -> String in if case .text(let s) = r[0] { return s } else { return "" } }
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertEqual(Set(ids), Set(data.participants.map { deid.pseudonym(for: $0, study: "edge-2026") }))
        XCTAssertTrue(f.variables[0].label.contains("pseudonym"))
    }
}
