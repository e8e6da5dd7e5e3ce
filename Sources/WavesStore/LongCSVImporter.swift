import Foundation
import WavesCore

/// One problem in an imported CSV, located by row (file line) and column.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int?
    public var columnName: String?
    public var message: String
    public init(line: Int, column: Int? = nil, columnName: String? = nil, message: String) {
        self.line = line; self.column = column; self.columnName = columnName; self.message = message
    }
    public var description: String {
        var s = "line \(line)"
        if let c = column { s += ", column \(c)" + (columnName.map { " (\($0))" } ?? "") }
        return s + ": " + message
    }
}

/// Import failed; nothing was written.
public struct ImportError: Error, LocalizedError {
    public var file: String
    public var problems: [ImportProblem]
    public init(file: String, problems: [ImportProblem]) { self.file = file; self.problems = problems }
    public var errorDescription: String? {
        (problems.prefix(50).map { "\(file): \($0)" } + (problems.count > 50 ? ["… and \(problems.count - 50) more problems"] : []))
            .joined(separator: "\n") + "\nNothing was imported."
    }
}

/// Turns a long CSV (`participant,wave,role,<item ids…>`) into response records.
///
/// Every row is checked before anything is written: unknown participant or
/// item, a value the item's `AnswerRules` reject (outside the response set or the
/// number range), a cell that is not a number by the JSON number grammar; all
/// problems are reported together. An empty cell is a missing
/// answer; the word `declined` records "Prefer not to answer" and `dont_know` (or `don't know`)
/// records "Don't know" where the item's response set offers them.
/// The rows are read in slices (`CSVSlices`), so neither the rows nor the records of the
/// whole file are held at once (`LongCSVImport` streams them into the store).
public enum LongCSVImporter {
    /// Every record of the CSV at once (small files and tests); throws `ImportError` with every problem.
    public static func records(csv text: String, file: String, bundle: StudyBundle, instrument: Instrument,
                               wave fixedWave: String?, submittedAt: String = Timestamp.now,
                               makeID: () -> String = { UUID().uuidString.lowercased() }) throws -> [ResponseRecord] {
        var out: [ResponseRecord] = []
        let reader = try Reader(csv: Array(text.utf8), file: file, bundle: bundle, instrument: instrument, wave: fixedWave)
        try reader.check()
        try reader.forEachRecord(submittedAt: submittedAt, makeID: makeID, extra: []) { out.append($0) }
        return out
    }

    /// The CSV's header understood, and the rows read slice by slice.
    public struct Reader {
        let bytes: [UInt8]
        let file: String
        let bundle: StudyBundle
        let instrument: Instrument
        let fixedWave: String?
        let names: [String]
        let pCol: Int, wCol: Int?, rCol: Int?
        let given: [String: Int]
        let headerProblems: [ImportProblem]
        let bodyStart: Int, bodyLine: Int

        /// Reads and checks the header (the first row); throws when no row can be checked.
        public init(csv bytes: [UInt8], file: String, bundle: StudyBundle, instrument: Instrument, wave fixedWave: String?) throws {
            self.bytes = bytes; self.file = file; self.bundle = bundle; self.instrument = instrument; self.fixedWave = fixedWave
            let study = bundle.study
            // The header is the first row that is not blank; the body starts after it.
            var header: CSVReader.Row?
            var start = 0, line = 1
            do {
                for slice in CSVSlices(bytes, maxBytes: 1) {
                    if let first = try CSVReader.parse(slice.text, firstLine: slice.line, atStart: slice.start == 0).first {
                        header = first; start = slice.end; line = slice.endLine
                        break
                    }
                }
            } catch let e as CSVReader.SyntaxError {
                throw ImportError(file: file, problems: [ImportProblem(line: e.line, message: e.message)])
            }
            guard let header else { throw ImportError(file: file, problems: [ImportProblem(line: 1, message: "the file is empty (expected a header row participant,wave,role,<items>)")]) }
            bodyStart = start; bodyLine = line
            var problems: [ImportProblem] = []
            let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            self.names = names
            func col(_ n: String) -> Int? { names.firstIndex(of: n) }
            guard let pCol = col("participant") else {
                throw ImportError(file: file, problems: [ImportProblem(line: header.line, message: "the header has no 'participant' column")])
            }
            self.pCol = pCol
            let wCol = col("wave"), rCol = col("role")
            self.wCol = wCol; self.rCol = rCol
            if wCol == nil && fixedWave == nil {
                problems.append(ImportProblem(line: header.line, message: "the header has no 'wave' column; add one or pass --wave"))
            }
            if let w = fixedWave, study.wave(w) == nil {
                problems.append(ImportProblem(line: header.line, message: "unknown wave '\(w)' (study waves: \(study.waves.map(\.id).joined(separator: ", ")))"))
            }
            // Without a usable wave no row can be checked: stop here.
            if !problems.isEmpty { throw ImportError(file: file, problems: problems) }
            var itemCols: [(Int, Item)] = []
            var seenNames = Set<String>()
            for (i, n) in names.enumerated() where i != pCol && i != wCol && i != rCol {
                if !seenNames.insert(n).inserted { problems.append(ImportProblem(line: header.line, column: i + 1, columnName: n, message: "column '\(n)' appears twice")); continue }
                guard let item = instrument.item(n) else {
                    problems.append(ImportProblem(line: header.line, column: i + 1, columnName: n, message: "unknown item '\(n)' (not in instrument '\(instrument.id)')"))
                    continue
                }
                if item.type == .note { problems.append(ImportProblem(line: header.line, column: i + 1, columnName: n, message: "'\(n)' is a note and takes no answer")); continue }
                itemCols.append((i, item))
            }
            // Unknown item columns are reported together with the rows' problems; rows are still checked.
            given = Dictionary(uniqueKeysWithValues: itemCols.map { ($0.1.id, $0.0) })
            headerProblems = problems
        }

        /// Checks every row without keeping any; throws `ImportError` with every problem.
        /// Returns the number of rows.
        @discardableResult
        public func check() throws -> Int {
            var problems = headerProblems
            var n = 0
            try forEachRow(problems: &problems) { _, _, _, _ in n += 1 }
            if !problems.isEmpty { throw ImportError(file: file, problems: problems) }
            return n
        }

        /// The records of every row in file order (call after `check`); `extra` keys are added to each.
        public func forEachRecord(submittedAt: String, makeID: () -> String, extra: [(key: String, value: JSONValue)],
                                  _ body: (ResponseRecord) throws -> Void) throws {
            var problems: [ImportProblem] = []
            let ref = InstrumentRef(id: instrument.id, version: instrument.version, sha256: instrument.sha256)
            try forEachRow(problems: &problems) { cells, answers, declined, dontKnow in
                var record = ResponseRecord(id: makeID(), study: bundle.study.id, participant: cells.participant, role: cells.role, wave: cells.wave,
                                            instrument: ref, startedAt: nil, submittedAt: submittedAt, mode: RecordMode.import.rawValue,
                                            answers: answers, declined: declined, extra: extra, via: "import")
                record.dontKnow = dontKnow
                try body(record)
            }
            if !problems.isEmpty { throw ImportError(file: file, problems: problems) }
        }

        typealias RowBody = ((participant: String, wave: String, role: String?), [(id: String, value: Answer)], [String], [String]) throws -> Void

        /// Reads the body slice by slice and checks each row; good rows go to `body`.
        func forEachRow(problems: inout [ImportProblem], _ body: RowBody) throws {
            var seenRows: [String: Int] = [:]
            do {
                for slice in CSVSlices(bytes, from: bodyStart, line: bodyLine, maxBytes: 1 << 22) {
                    for row in try CSVReader.parse(slice.text, firstLine: slice.line, atStart: slice.start == 0) {
                        try checkRow(row, seenRows: &seenRows, problems: &problems, body)
                    }
                }
            } catch let e as CSVReader.SyntaxError {
                throw ImportError(file: file, problems: [ImportProblem(line: e.line, message: e.message)])
            }
        }

        func checkRow(_ row: CSVReader.Row, seenRows: inout [String: Int], problems: inout [ImportProblem], _ body: RowBody) throws {
            let study = bundle.study
            let line = row.line
            guard row.fields.count == names.count else {
                problems.append(ImportProblem(line: line, message: "expected \(names.count) columns, found \(row.fields.count)")); return
            }
            let participant = row.fields[pCol].trimmingCharacters(in: .whitespaces)
            if participant.isEmpty { problems.append(ImportProblem(line: line, column: pCol + 1, columnName: "participant", message: "empty participant id")); return }
            let wave = wCol.map { row.fields[$0].trimmingCharacters(in: .whitespaces) } ?? fixedWave ?? ""
            if study.wave(wave) == nil {
                problems.append(ImportProblem(line: line, column: wCol.map { $0 + 1 }, columnName: "wave", message: "unknown wave '\(wave)' (study waves: \(study.waves.map(\.id).joined(separator: ", ")))"))
                return
            }
            if let fw = fixedWave, wCol != nil, wave != fw {
                problems.append(ImportProblem(line: line, column: wCol! + 1, columnName: "wave", message: "wave '\(wave)' differs from --wave \(fw)")); return
            }
            if !study.instruments(at: wave).contains(where: { $0.path == instrument.path }) {
                problems.append(ImportProblem(line: line, column: wCol.map { $0 + 1 }, columnName: "wave", message: "instrument '\(instrument.id)' is not given at wave '\(wave)' (see study.yaml)")); return
            }
            let csvRole = rCol.map { row.fields[$0].trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            var role: String?
            if let roster = bundle.roster {
                guard let rr = roster.role(of: participant) else {
                    problems.append(ImportProblem(line: line, column: pCol + 1, columnName: "participant", message: "unknown participant '\(participant)' (not in the roster)")); return
                }
                if let c = csvRole, c != rr {
                    problems.append(ImportProblem(line: line, column: rCol! + 1, columnName: "role", message: "role '\(c)' differs from the roster's '\(rr)' for \(participant)")); return
                }
                role = rr
            } else {
                guard let c = csvRole else {
                    problems.append(ImportProblem(line: line, column: rCol.map { $0 + 1 }, columnName: "role", message: "no role for '\(participant)' (the study has no roster, so the CSV needs a role column)")); return
                }
                role = c
            }
            if let r = role, !study.roles.contains(r) {
                problems.append(ImportProblem(line: line, column: rCol.map { $0 + 1 }, columnName: "role", message: "unknown role '\(r)' (study roles: \(study.roles.joined(separator: ", ")))")); return
            }
            let key = participant + "\u{1}" + wave
            if let first = seenRows[key] {
                problems.append(ImportProblem(line: line, column: pCol + 1, columnName: "participant", message: "\(participant) at \(wave) already appears on line \(first)")); return
            }
            seenRows[key] = line
            var answers: [(id: String, value: Answer)] = []
            var declined: [String] = []
            var dontKnow: [String] = []
            var ctx = ConditionContext(role: role, wave: wave, waveOrder: study.waves.map(\.id))
            for item in instrument.items where item.type != .note {
                let cell = given[item.id].map { row.fields[$0].trimmingCharacters(in: .whitespaces) } ?? ""
                let colNo = given[item.id].map { $0 + 1 }
                if let c = item.showIf, !c.evaluate(ctx) {
                    if !cell.isEmpty {
                        problems.append(ImportProblem(line: line, column: colNo, columnName: item.id, message: "'\(item.id)' has a value but is not shown here (show_if: \(item.showIfSource ?? ""))"))
                    }
                    continue
                }
                var value = Answer.missing
                if cell.isEmpty {
                } else if cell.lowercased() == "declined" {
                    if item.allowsDecline { declined.append(item.id) } else {
                        problems.append(ImportProblem(line: line, column: colNo, columnName: item.id, message: "'\(item.id)' does not offer 'Prefer not to answer'"))
                    }
                } else if ["dont_know", "don't know", "dont know"].contains(cell.lowercased()) {
                    if item.allowsDontKnow { dontKnow.append(item.id) } else {
                        problems.append(ImportProblem(line: line, column: colNo, columnName: item.id, message: "'\(item.id)' does not offer \"Don't know\""))
                    }
                } else if item.type == .text {
                    // The same rule as `waves take`: control characters and escape sequences are removed
                    // (SafeText.stripControls), so no stored answer can act on a terminal later.
                    value = .text(SafeText.stripControls(row.fields[given[item.id]!]))
                } else {
                    switch numberCell(row.fields[given[item.id]!], item: item.id) {
                    case .success(let v):
                        value = .number(v)
                        if let p = AnswerRules.problem(value, for: item) {
                            problems.append(ImportProblem(line: line, column: colNo, columnName: item.id, message: p.message(item: item.id)))
                        }
                    case .failure(let why):
                        problems.append(ImportProblem(line: line, column: colNo, columnName: item.id, message: why.message))
                    }
                }
                answers.append((item.id, value))
                ctx.answers[item.id] = value
            }
            try body((participant, wave, role), answers, declined, dontKnow)
        }
    }

    /// Why a cell is not a number.
    struct NotANumber: Error { var message: String }

    /// A number cell by the one number grammar of Waves (`JSONParser.number`): the cell
    /// without its surrounding spaces must be exactly a JSON number, so `4`, `-0.5` and `4e0`
    /// are read and `+4`, `.5`, `0x4`, `0x1p2`, `inf`, `NaN`, a tab or a NUL are refused.
    static func numberCell(_ raw: String, item: String) -> Result<Double, NotANumber> {
        var cell = Substring(raw)
        while cell.first == " " { cell = cell.dropFirst() }
        while cell.last == " " { cell = cell.dropLast() }
        do { return .success(try JSONParser.number(String(cell))) } catch {
            let shown = SafeText.line(cell.count > 30 ? String(cell.prefix(27)) + "..." : String(cell))
            let tail = "(item '\(item)' takes numbers; leave the cell empty for a missing answer)"
            if error.kind == .numberOutOfRange { return .failure(NotANumber(message: "'\(shown)' is too large for a number \(tail)")) }
            guard error.column > 1 else { return .failure(NotANumber(message: "'\(shown)' is not a number \(tail)")) }
            let bad = cell.unicodeScalars.dropFirst(error.column - 1).first.map { SafeText.line(String($0)) } ?? ""
            let at = bad.isEmpty ? "it ends at character \(error.column)" : "'\(bad)' at character \(error.column) is not part of a decimal number"
            return .failure(NotANumber(message: "'\(shown)' is not a number: \(at) \(tail)"))
        }
    }
}

/// Cuts CSV bytes into slices of whole rows (each ends at a line end outside quotes, or at the
/// end of the file), of about `maxBytes` each, with the line each slice starts on counted as
/// `CSVReader` counts lines (`\n`, `\r\n` or a lone `\r` outside quotes; `\n` inside quotes).
///
/// Quotes are followed by parity, which is exact for valid CSV (a quote opens a field or is
/// doubled inside one); in a malformed file the slice holding the first fault starts on a
/// true row boundary, so `CSVReader` reports the same fault at the same line as on the whole.
struct CSVSlices: Sequence, IteratorProtocol {
    struct Slice {
        let start: Int, end: Int
        /// The line the slice starts on, and the line after it.
        let line: Int, endLine: Int
        let bytes: ArraySlice<UInt8>
        /// The slice as text (the file was checked as UTF-8, and a line end never cuts a character).
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    private let bytes: [UInt8]
    private var pos: Int
    private var line: Int
    private let maxBytes: Int

    init(_ bytes: [UInt8], from start: Int = 0, line: Int = 1, maxBytes: Int) {
        self.bytes = bytes; pos = start; self.line = line; self.maxBytes = Swift.max(1, maxBytes)
    }

    mutating func next() -> Slice? {
        guard pos < bytes.count else { return nil }
        var i = pos, lines = 0, inQuotes = false
        var cut = bytes.count, cutLines = -1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""): inQuotes.toggle()
            case 0x0A:
                lines += 1
                if !inQuotes && i + 1 - pos >= maxBytes { cut = i + 1; cutLines = lines }
            case 0x0D where !inQuotes && (i + 1 == bytes.count || bytes[i + 1] != 0x0A):
                lines += 1
                if i + 1 - pos >= maxBytes { cut = i + 1; cutLines = lines }
            default: break
            }
            i += 1
            if cutLines >= 0 { break }
        }
        if cutLines < 0 { cutLines = lines }
        let s = Slice(start: pos, end: cut, line: line, endLine: line + cutLines, bytes: bytes[pos..<cut])
        pos = cut; line += cutLines
        return s
    }
}
