import Foundation
import WavesCore
#if canImport(Glibc)
import Glibc
#endif

/// One coder's file, `data/coding/<coder>.jsonl`: decisions appended, never rewritten.
///
/// Appends follow the response store's pattern: one `write` of a whole line under an
/// exclusive `flock`, then `fsync`; the file is created mode 0600 (the folder 0700) and a
/// symbolic link in its place is refused. A torn last line (a crash mid-write) is kept as it
/// is, reported by `read`, and the next append starts on a fresh line.
// TODO(merge): use the shared data-log append
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

    /// Appends one decision as one line.
    public func append(_ decision: CodingDecision) throws {
        let path = url.path
        func fail(_ op: String, _ e: Int32) -> CodingError { .io(path: displayPath, operation: op, reason: String(cString: strerror(e))) }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch { throw CodingError.io(path: Self.folder, operation: "create the folder", reason: error.localizedDescription) }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            if errno == ELOOP { throw CodingError.io(path: displayPath, operation: "append", reason: "it is a symbolic link; Waves writes only to a plain file there") }
            throw fail("open the coding file", errno)
        }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw fail("lock the coding file", errno) }
        defer { flock(fd, LOCK_UN) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw fail("inspect the coding file", errno) }
        let size = st.st_size
        var bytes = Array((decision.jsonLine + "\n").utf8)
        if size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, size - 1) == 1, last != UInt8(ascii: "\n") { bytes.insert(UInt8(ascii: "\n"), at: 0) }
        }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != bytes.count {
            let e = errno
            _ = ftruncate(fd, size)   // never leave half a line of ours
            throw fail("append to the coding file", written < 0 ? e : ENOSPC)
        }
        guard fsync(fd) == 0 else { throw fail("flush the coding file to disk", errno) }
    }

    /// Every readable line, in file order, and a located problem for each line that is not.
    public func read() throws -> CodingLogContents {
        guard exists else { return CodingLogContents(decisions: [], problems: []) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CodingError.io(path: displayPath, operation: "read the coding file", reason: error.localizedDescription)
        }
        var decisions: [(decision: CodingDecision, line: Int)] = []
        var problems: [Problem] = []
        let bytes = [UInt8](data)
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
