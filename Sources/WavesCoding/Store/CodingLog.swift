import Foundation
import WavesCore
import WavesStore
#if canImport(Glibc)
import Glibc
#endif

/// One coder's file, `data/coding/<coder>.jsonl`: decisions appended, never rewritten.
///
/// Appends go through `AppendLog`, the one primitive for `data/`: one `write` of a whole line
/// under an exclusive `flock`, then `fsync`; the file is created mode 0600 (the folder 0700) and a
/// symbolic link in its place is refused. A torn last line (a crash mid-write) is kept as it
/// is, reported by `read`, and the next append starts on a fresh line.
public struct CodingLog: Sendable {
    /// The folder of coders' files inside a study.
    public static let folder = "data/coding"

    public let coder: String
    public let url: URL
    /// The path shown in messages (`data/coding/<coder>.jsonl`).
    public let displayPath: String

    /// The file of `coder` in the study folder; throws when the name cannot name a file.
    public init(studyDirectory: URL, coder: String) throws {
        try CoderName.validate(coder)
        self.coder = coder
        // TODO(merge): use the study path resolver
        self.url = studyDirectory.appendingPathComponent(Self.folder, isDirectory: true).appendingPathComponent("\(coder).jsonl")
        self.displayPath = "\(Self.folder)/\(coder).jsonl"
    }

    /// The coders with a file in the study, by name.
    public static func coders(studyDirectory: URL) -> [String] {
        let dir = studyDirectory.appendingPathComponent(folder, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.map { String($0.dropLast(6)) }
            .filter { (try? CoderName.validate($0)) != nil }.sorted()
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: url.path) }

    /// The append-only log under `data/coding/` (the one append primitive of `data/`).
    var log: AppendLog { AppendLog(url: url, role: "the coding file") }

    /// Appends one decision as one line (locked, no links, 0600, torn-line safe: `AppendLog`).
    public func append(_ decision: CodingDecision) throws {
        do { try log.append(Array((decision.jsonLine + "\n").utf8)) } catch let e as FileIOError {
            throw CodingError.io(path: displayPath, operation: e.operation, reason: e.reason)
        }
    }

    /// Every readable line, in file order, and a located problem for each line that is not.
    public func read() throws -> CodingLogContents {
        // Read without following a link, as every file under data/ (`AppendLog`).
        var bytes: [UInt8] = []
        do {
            guard let file = try log.openForReading() else { return CodingLogContents(decisions: [], problems: []) }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
                if n <= 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
        } catch let e as FileIOError {
            throw CodingError.io(path: displayPath, operation: e.operation, reason: e.reason)
        }
        var decisions: [(decision: CodingDecision, line: Int)] = []
        var problems: [Problem] = []
        var start = 0, lineNo = 0
        while start < bytes.count {
            let nl = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = nl ?? bytes.count
            lineNo += 1
            let line = bytes[start..<end]
            start = end + 1
            if nl == nil {
                problems.append(Problem(file: displayPath, line: lineNo, message: "the last line is incomplete (no line end): a torn write; it is kept as it is and ignored"))
                break
            }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            guard let text = String(bytes: line, encoding: .utf8) else {
                problems.append(Problem(file: displayPath, line: lineNo, message: "the line is not valid UTF-8; it is ignored")); continue
            }
            do {
                decisions.append((try CodingDecision(json: try JSONParser.parse(text)), lineNo))
            } catch let e as RecordError {
                problems.append(Problem(file: displayPath, line: lineNo, message: e.message + "; the line is ignored"))
            } catch {
                problems.append(Problem(file: displayPath, line: lineNo, message: "not valid JSON (\(error)); the line is ignored"))
            }
        }
        return CodingLogContents(decisions: decisions, problems: problems)
    }
}

/// What a coder's file holds: its decisions with their line numbers, and unreadable lines.
public struct CodingLogContents: Sendable {
    public var decisions: [(decision: CodingDecision, line: Int)]
    public var problems: [Problem]

    /// The latest decision per unit (the last line wins), for one codebook when `codebook` is given
    /// (lines without a `codebook` key count for every codebook).
    public func latest(codebook: String? = nil) -> [String: CodingDecision] {
        var out: [String: CodingDecision] = [:]
        for (d, _) in decisions where codebook == nil || d.codebook == nil || d.codebook == codebook { out[d.unit] = d }
        return out
    }
}
