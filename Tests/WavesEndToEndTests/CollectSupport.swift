import Foundation
import Glibc
import XCTest
import WavesTestSupport

/// A study for the collection commands: `waves init`, only the identity questionnaire (8
/// items), a window around today (UTC), and a roster with email addresses.
struct CollectStudy {
    let root: URL
    let path: String
    var data: URL { URL(fileURLWithPath: path).appendingPathComponent("data") }

    /// `YYYY-MM-DD` of today plus `days`, in UTC.
    static func day(_ days: Int) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    init(_ name: String, opens: Int = -1, closes: Int = 30, consent: String? = nil) throws {
        root = WavesProcess.tempDir(name)
        path = root.appendingPathComponent("study").path
        let r = try WavesProcess.run(["init", path, "--id", "collect"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var yaml = """
        format: waves.study/1
        id: collect
        title: Peer mentoring programme
        roles: [mentee, peer-mentor]
        timezone: UTC
        waves:
          - {id: w1, label: Baseline, time: 0, opens: \(Self.day(opens)), closes: \(Self.day(closes))}
          - {id: w2, label: Mid-programme, time: 6}
        instruments:
          - path: instruments/identity.yaml
        roster: roster.csv

        """
        if let c = consent {
            yaml += "consent: consent.md\n"
            try c.write(toFile: path + "/consent.md", atomically: true, encoding: .utf8)
        }
        try yaml.write(toFile: path + "/study.yaml", atomically: true, encoding: .utf8)
        try "participant,role,email,name\nP001,mentee,p1@example.org,Zoë Ødegård\nP002,peer-mentor,p2@example.org,Bob Smith\nP003,mentee,,\n"
            .write(toFile: path + "/roster.csv", atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Runs `waves invite --wave w1 …` and returns participant → formatted code from the CSV.
    func invite(_ extra: [String] = [], out: String = "inv.csv", command: String = "invite", file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        let csv = root.appendingPathComponent(out).path
        let r = try WavesProcess.run([command, "--study", path, "--wave", "w1", "--out", csv] + extra)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        return try Self.codes(csv)
    }

    static func codes(_ csv: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try String(contentsOfFile: csv, encoding: .utf8).components(separatedBy: "\r\n").dropFirst() where !row.isEmpty {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            out[f[0]] = f[3]
        }
        return out
    }

    /// Every regular file under data/, with its mode.
    func dataFiles() -> [(path: String, mode: Int)] {
        var out: [(String, Int)] = []
        let e = FileManager.default.enumerator(atPath: data.path)!
        while let rel = e.nextObject() as? String {
            let full = data.appendingPathComponent(rel).path
            var st = stat()
            guard lstat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            out.append((rel, Int(st.st_mode & 0o777)))
        }
        return out
    }

    /// Fails when any file under data/ holds a code in any typed form, or is not mode 0600.
    func assertDataIsPrivate(codes: [String], file: StaticString = #filePath, line: UInt = #line) {
        let files = dataFiles()
        XCTAssertFalse(files.isEmpty, file: file, line: line)
        for f in files {
            XCTAssertEqual(f.mode, 0o600, "data/\(f.path) is mode \(String(f.mode, radix: 8))", file: file, line: line)
            let bytes = (try? Data(contentsOf: data.appendingPathComponent(f.path))) ?? Data()
            let text = String(decoding: bytes, as: UTF8.self)
            for c in codes where !c.isEmpty {
                for form in [c, c.replacingOccurrences(of: "-", with: ""), c.lowercased(), c.replacingOccurrences(of: "-", with: "").lowercased()] {
                    XCTAssertFalse(text.contains(form), "data/\(f.path) holds a code", file: file, line: line)
                }
            }
        }
    }
}
