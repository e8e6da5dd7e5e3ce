import Foundation

/// The roster: who takes part and in which role (`participant,role`, more columns allowed).
public struct Roster: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var participant: String
        public var role: String
        /// Other columns, by header name.
        public var extra: [String: String]
        public var line: Int
    }

    public var entries: [Entry]
    private var index: [String: Int]

    public init(entries: [Entry]) {
        self.entries = entries
        var idx: [String: Int] = [:]
        for (i, e) in entries.enumerated() where idx[e.participant] == nil { idx[e.participant] = i }
        self.index = idx
    }

    public func contains(_ participant: String) -> Bool { index[participant] != nil }
    public func role(of participant: String) -> String? { index[participant].map { entries[$0].role } }
    public var participants: [String] { entries.map(\.participant) }

    /// Parses roster CSV text, reporting problems against `file`.
    public static func parse(_ text: String, file: String, roles: [String]) throws -> Roster {
        let rows: [CSVReader.Row]
        do { rows = try CSVReader.parse(text) } catch let e as CSVReader.SyntaxError {
            throw LoadError(file: file, line: e.line, e.message)
        }
        guard let header = rows.first else { throw LoadError(file: file, line: 1, "the roster is empty (expected a header 'participant,role')") }
        let h = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pi = h.firstIndex(of: "participant"), let ri = h.firstIndex(of: "role") else {
            // Header names are quoted only when they are plain names: a file that is not a
            // roster must not be echoed (YAMLReader.shownKey).
            let shown = h.allSatisfy { YAMLReader.shownKey($0) != nil } ? " (found: \(h.joined(separator: ",")))" : ""
            throw LoadError(file: file, line: 1, "the roster header must name the columns 'participant' and 'role'\(shown)")
        }
        var problems: [Problem] = []
        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        for row in rows.dropFirst() {
            guard row.fields.count == h.count else {
                problems.append(Problem(file: file, line: row.line, message: "expected \(h.count) columns, found \(row.fields.count)")); continue
            }
            let p = row.fields[pi].trimmingCharacters(in: .whitespaces)
            let r = row.fields[ri].trimmingCharacters(in: .whitespaces)
            if p.isEmpty { problems.append(Problem(file: file, line: row.line, column: pi + 1, message: "empty participant id")); continue }
            if let first = seen[p] { problems.append(Problem(file: file, line: row.line, column: pi + 1, message: "participant '\(p)' is listed twice (first on line \(first))")); continue }
            if !roles.contains(r) {
                problems.append(Problem(file: file, line: row.line, column: ri + 1, message: "participant '\(p)' has unknown role '\(r)' (study roles: \(roles.joined(separator: ", ")))"))
                continue
            }
            seen[p] = row.line
            var extra: [String: String] = [:]
            for (i, name) in h.enumerated() where i != pi && i != ri { extra[name] = row.fields[i] }
            entries.append(Entry(participant: p, role: r, extra: extra, line: row.line))
        }
        if !problems.isEmpty { throw LoadError(problems) }
        return Roster(entries: entries)
    }
}
