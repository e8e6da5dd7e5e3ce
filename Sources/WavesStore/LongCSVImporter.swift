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
/// The rows are read in slices (`CSVSlices`) straight from the file, and each row's cells are
/// byte ranges (`CSVReader.forEachRow`), so neither the file, its rows nor its records are
/// held at once (`StreamingImport` streams them into the store).
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
        let slices: CSVSlices
        let file: String
        let bundle: StudyBundle
        let instrument: Instrument
        let fixedWave: String?
        let names: [String]
        let pCol: Int, wCol: Int?, rCol: Int?
        /// The items the rows answer (every item but notes, in order).
        let columns: [ItemColumn]
        /// What the fast path needs of each item column, in a plain array (`ColumnFacts`).
        let facts: [ColumnFacts]
        /// Whether any item has `show_if`: only then are a row's answers kept for the conditions.
        let conditional: Bool
        /// The waves at which the study gives this instrument.
        let givenAt: Set<String>
        let waveOrder: [String]
        let headerProblems: [ImportProblem]
        let body: CSVSlices.Position
        /// CSV bytes per slice (every row of a slice is parsed at once).
        static let sliceBytes = 1 << 20

        /// Reads CSV bytes held in memory (small files and tests).
        public init(csv bytes: [UInt8], file: String, bundle: StudyBundle, instrument: Instrument, wave fixedWave: String?) throws {
            try self.init(csv: bytes, file: file, bundle: bundle, instrument: instrument, wave: fixedWave, sliceBytes: Self.sliceBytes)
        }

        /// In slices of `sliceBytes` (tests cut small files into many slices).
        init(csv bytes: [UInt8], file: String, bundle: StudyBundle, instrument: Instrument, wave fixedWave: String?, sliceBytes: Int) throws {
            try self.init(slices: CSVSlices(bytes, maxBytes: sliceBytes), file: file, bundle: bundle, instrument: instrument, wave: fixedWave)
        }

        /// Reads the CSV file at `path` a slice at a time (the file is never held whole).
        public init(path: String, bundle: StudyBundle, instrument: Instrument, wave fixedWave: String?) throws {
            let opened: OpenFile?
            do { opened = try OpenFile.openForReading(path, role: "the CSV file", followLink: true) } catch let e as FileIOError { throw StoreError.file(e) }
            guard let f = opened else { throw StoreError.file(FileIOError(path: path, operation: "open the CSV file", kind: .system(ENOENT))) }
            try self.init(slices: CSVSlices(file: f, maxBytes: Self.sliceBytes), file: path, bundle: bundle, instrument: instrument, wave: fixedWave)
        }

        /// Checks that the whole file is UTF-8, then reads and checks the header (the first row);
        /// throws when no row can be checked.
        init(slices: CSVSlices, file: String, bundle: StudyBundle, instrument: Instrument, wave fixedWave: String?) throws {
            self.slices = slices; self.file = file; self.bundle = bundle; self.instrument = instrument; self.fixedWave = fixedWave
            let study = bundle.study
            try slices.forEach { slice in
                if let bad = slice.firstInvalidUTF8() { throw ImportError(file: file, problems: [ImportProblem(line: bad.line, message: bad.message)]) }
                return true
            }
            // The header is the first row that is not blank; the body starts after it.
            guard let (header, start) = try Self.header(slices, file: file) else {
                throw ImportError(file: file, problems: [ImportProblem(line: 1, message: "the file is empty (expected a header row participant,wave,role,<items>)")])
            }
            body = start
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
            var given: [String: Int] = [:]
            var seenNames = Set<String>()
            for (i, n) in names.enumerated() where i != pCol && i != wCol && i != rCol {
                if !seenNames.insert(n).inserted { problems.append(ImportProblem(line: header.line, column: i + 1, columnName: n, message: "column '\(n)' appears twice")); continue }
                guard let item = instrument.item(n) else {
                    problems.append(ImportProblem(line: header.line, column: i + 1, columnName: n, message: "unknown item '\(n)' (not in instrument '\(instrument.id)')"))
                    continue
                }
                if item.type == .note { problems.append(ImportProblem(line: header.line, column: i + 1, columnName: n, message: "'\(n)' is a note and takes no answer")); continue }
                given[item.id] = i
            }
            // Unknown item columns are reported together with the rows' problems; rows are still checked.
            headerProblems = problems
            columns = instrument.items.filter { $0.type != .note }.map { ItemColumn($0, field: given[$0.id] ?? -1) }
            facts = columns.map(ColumnFacts.init)
            conditional = columns.contains { $0.showIf != nil }
            givenAt = Set(study.waves.map(\.id).filter { w in study.instruments(at: w).contains { $0.path == instrument.path } })
            waveOrder = study.waves.map(\.id)
        }

        /// The first row that is not blank, and where the rows after it begin.
        static func header(_ slices: CSVSlices, file: String) throws -> (CSVReader.Row, CSVSlices.Position)? {
            var found: (CSVReader.Row, CSVSlices.Position)?
            do {
                // Slices of one line each, until a line holds a row.
                try CSVSlices(slices, maxBytes: 1).forEach { slice in
                    try CSVReader.forEachRow(slice.bytes, firstLine: slice.line, atStart: slice.start == 0) { row in
                        if found == nil { found = (CSVReader.Row(line: row.line, fields: row.fields.indices.map { row.string($0) }), slice.next) }
                    }
                    return found == nil
                }
            } catch let e as CSVReader.SyntaxError {
                throw ImportError(file: file, problems: [ImportProblem(line: e.line, message: e.message)])
            }
            return found
        }

        /// Checks every row without keeping any; throws `ImportError` with every problem.
        /// Returns the number of rows.
        @discardableResult
        public func check() throws -> Int {
            var problems = headerProblems
            let n = try checkInParallel(problems: &problems)
            if !problems.isEmpty { throw ImportError(file: file, problems: problems) }
            return n
        }

        /// The problem of a row whose participant and wave appeared on an earlier line.
        func duplicate(_ participant: String, _ wave: String, line: Int, first: Int) -> ImportProblem {
            ImportProblem(line: line, column: pCol + 1, columnName: "participant", message: "\(participant) at \(wave) already appears on line \(first)")
        }


        /// The records of every row in file order (call after `check`); `extra` keys are added to each.
        /// The rows are checked again as they are read (the file is read again), so a file changed
        /// since `check` yields no unchecked record: the call throws instead.
        public func forEachRecord(submittedAt: String, makeID: () -> String, extra: [(key: String, value: JSONValue)],
                                  _ body: (ResponseRecord) throws -> Void) throws {
            var problems: [ImportProblem] = []
            guard let (header, _) = try Self.header(slices, file: file),
                  header.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) == names else {
                throw ImportError(file: file, problems: [ImportProblem(line: 1, message: "the file changed while it was imported")])
            }
            let ref = InstrumentRef(id: instrument.id, version: instrument.version, sha256: instrument.sha256)
            try forEachRow(problems: &problems, collect: true) { cells, answers, declined, dontKnow in
                var record = ResponseRecord(id: makeID(), study: bundle.study.id, participant: cells.participant, role: cells.role, wave: cells.wave,
                                            instrument: ref, startedAt: nil, submittedAt: submittedAt, mode: RecordMode.import.rawValue,
                                            answers: answers, declined: declined, extra: extra, via: "import")
                if !dontKnow.isEmpty { record.dontKnow = dontKnow }
                try body(record)
            }
            if !problems.isEmpty { throw ImportError(file: file, problems: problems) }
        }

        typealias RowBody = ((participant: String, wave: String, role: String?), [(id: String, value: Answer)], [String], [String]) throws -> Void

        /// Reads the body slice by slice and checks each row; good rows go to `body` (with their
        /// answers when `collect`).
        func forEachRow(problems: inout [ImportProblem], collect: Bool, _ body: RowBody) throws {
            var seenRows: [String: Int] = [:]
            func firstLine(_ participant: String, _ wave: String, _ line: Int) -> Int? {
                let key = participant + "\u{1}" + wave
                if let first = seenRows[key] { return first }
                seenRows[key] = line
                return nil
            }
            do {
                try slices.forEach(from: self.body) { slice in
                    if let bad = slice.firstInvalidUTF8() { throw ImportError(file: file, problems: [ImportProblem(line: bad.line, message: bad.message)]) }
                    try CSVReader.forEachRow(slice.bytes, firstLine: slice.line, atStart: slice.start == 0) { row in
                        try checkRow(row, problems: &problems, collect: collect, firstLine: firstLine, body)
                    }
                    return true
                }
            } catch let e as CSVReader.SyntaxError {
                throw ImportError(file: file, problems: [ImportProblem(line: e.line, message: e.message)])
            }
        }

        /// Checks one row; `firstLine(participant, wave, line)` says on which earlier line the same
        /// participant and wave appeared (nil for the first time), which makes the row a duplicate.
        func checkRow(_ row: CSVReader.RowView, problems: inout [ImportProblem], collect: Bool,
                      firstLine: (String, String, Int) -> Int?, _ body: RowBody) throws {
            var values = [CellValue](repeating: .missing, count: columns.count)
            guard let head = checkCells(row, problems: &problems, values: &values, firstLine: firstLine) else { return }
            var answers: [(id: String, value: Answer)] = []
            var declined: [String] = []
            var dontKnow: [String] = []
            if collect {
                answers.reserveCapacity(columns.count)
                for (k, column) in columns.enumerated() {
                    switch values[k] {
                    case .hidden: continue
                    case .missing: answers.append((column.id, .missing))
                    case .declined: answers.append((column.id, .missing)); declined.append(column.id)
                    case .dontKnow: answers.append((column.id, .missing)); dontKnow.append(column.id)
                    case .number(let v): answers.append((column.id, .number(v)))
                    case .text(let t): answers.append((column.id, .text(t)))
                    }
                }
            }
            try body((head.participant, head.wave, head.role), answers, declined, dontKnow)
        }

        /// Checks one row into `values` (one per item column, in order): appends its problems and
        /// returns its participant, wave and role, or nil for a row that goes no further than
        /// those (a problem with them, or a duplicate by `firstLine`: see `checkRow`). The one
        /// place where a row is judged: the check pass, the records and the store lines all
        /// come from here.
        func checkCells(_ row: CSVReader.RowView, problems: inout [ImportProblem], values: inout [CellValue],
                        firstLine: (String, String, Int) -> Int?) -> RowHead? {
            let study = bundle.study
            let line = row.line
            guard row.fields.count == names.count else {
                problems.append(ImportProblem(line: line, message: "expected \(names.count) columns, found \(row.fields.count)")); return nil
            }
            let participant = Cell.trimmed(row, pCol)
            if participant.isEmpty { problems.append(ImportProblem(line: line, column: pCol + 1, columnName: "participant", message: "empty participant id")); return nil }
            let wave = wCol.map { Cell.trimmed(row, $0) } ?? fixedWave ?? ""
            if study.wave(wave) == nil {
                problems.append(ImportProblem(line: line, column: wCol.map { $0 + 1 }, columnName: "wave", message: "unknown wave '\(wave)' (study waves: \(study.waves.map(\.id).joined(separator: ", ")))"))
                return nil
            }
            if let fw = fixedWave, wCol != nil, wave != fw {
                problems.append(ImportProblem(line: line, column: wCol! + 1, columnName: "wave", message: "wave '\(wave)' differs from --wave \(fw)")); return nil
            }
            if !givenAt.contains(wave) {
                problems.append(ImportProblem(line: line, column: wCol.map { $0 + 1 }, columnName: "wave", message: "instrument '\(instrument.id)' is not given at wave '\(wave)' (see study.yaml)")); return nil
            }
            let csvRole = rCol.map { Cell.trimmed(row, $0) }.flatMap { $0.isEmpty ? nil : $0 }
            var role: String?
            if let roster = bundle.roster {
                guard let rr = roster.role(of: participant) else {
                    problems.append(ImportProblem(line: line, column: pCol + 1, columnName: "participant", message: "unknown participant '\(participant)' (not in the roster)")); return nil
                }
                if let c = csvRole, c != rr {
                    problems.append(ImportProblem(line: line, column: rCol! + 1, columnName: "role", message: "role '\(c)' differs from the roster's '\(rr)' for \(participant)")); return nil
                }
                role = rr
            } else {
                guard let c = csvRole else {
                    problems.append(ImportProblem(line: line, column: rCol.map { $0 + 1 }, columnName: "role", message: "no role for '\(participant)' (the study has no roster, so the CSV needs a role column)")); return nil
                }
                role = c
            }
            if let r = role, !study.roles.contains(r) {
                problems.append(ImportProblem(line: line, column: rCol.map { $0 + 1 }, columnName: "role", message: "unknown role '\(r)' (study roles: \(study.roles.joined(separator: ", ")))")); return nil
            }
            if let first = firstLine(participant, wave, line) {
                problems.append(duplicate(participant, wave, line: line, first: first)); return nil
            }
            if !conditional {
                // The cells of a plain whole number an item accepts, or empty, are judged here on
                // their bytes; any other cell (and every cell of an instrument with `show_if`)
                // by the rule below.
                let count = columns.count
                facts.withUnsafeBufferPointer { facts in
                    row.fields.withUnsafeBufferPointer { fields in
                        for k in 0..<count {
                            let f = facts[k]
                            if f.field >= 0, !f.isText {
                                let fd = fields[f.field]
                                if !fd.escaped {
                                    let n = fd.end - fd.start
                                    if n == 0 { values[k] = .missing; continue }
                                    if n <= 2, let v = Self.smallWhole(row.bytes, fd.start, n), f.smallAccepted & (1 << v) != 0 {
                                        values[k] = .number(Double(v)); continue
                                    }
                                }
                            }
                            judge(row, k, columns[k], problems: &problems, values: &values, ctx: nil)
                        }
                    }
                }
                return RowHead(participant: participant, wave: wave, role: role)
            }
            var ctx = ConditionContext(role: role, wave: wave, waveOrder: conditional ? waveOrder : [])
            for (k, column) in columns.enumerated() {
                judge(row, k, column, problems: &problems, values: &values, ctx: &ctx)
            }
            return RowHead(participant: participant, wave: wave, role: role)
        }

        /// A whole number below 64 of one or two digits without a leading zero, else nil.
        @inline(__always)
        static func smallWhole(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ n: Int) -> Int? {
            let a = bytes[start] &- 0x30
            guard a < 10 else { return nil }
            if n == 1 { return Int(a) }
            let b = bytes[start + 1] &- 0x30
            guard a != 0, b < 10 else { return nil }
            let v = Int(a) * 10 + Int(b)
            return v < 64 ? v : nil
        }

        /// Judges the cell of item column `k` (the rule for every cell): sets `values[k]`,
        /// appends its problems, and keeps the answer for later conditions in `ctx`.
        @inline(__always)
        func judge(_ row: CSVReader.RowView, _ k: Int, _ column: ItemColumn, problems: inout [ImportProblem],
                   values: inout [CellValue], ctx: UnsafeMutablePointer<ConditionContext>?) {
                let line = row.line
                let field = column.field
                let colNo: Int? = field >= 0 ? field + 1 : nil
                let cell = field >= 0 ? Cell(row, field) : .empty
                if let ctx, let c = column.showIf, !c.evaluate(ctx.pointee) {
                    if !cell.isEmpty {
                        problems.append(ImportProblem(line: line, column: colNo, columnName: column.id, message: "'\(column.id)' has a value but is not shown here (show_if: \(column.item.showIfSource ?? ""))"))
                    }
                    values[k] = .hidden
                    return
                }
                var value = CellValue.missing
                switch cell {
                case .empty: break
                case .declined:
                    if column.allowsDecline { value = .declined } else {
                        problems.append(ImportProblem(line: line, column: colNo, columnName: column.id, message: "'\(column.id)' does not offer 'Prefer not to answer'"))
                    }
                case .dontKnow:
                    if column.allowsDontKnow { value = .dontKnow } else {
                        problems.append(ImportProblem(line: line, column: colNo, columnName: column.id, message: "'\(column.id)' does not offer \"Don't know\""))
                    }
                case .other:
                    if column.isText {
                        // The same rule as `waves take`: control characters and escape sequences are removed
                        // (SafeText.stripControls), so no stored answer can act on a terminal later.
                        value = .text(SafeText.stripControls(row.string(field)))
                    } else {
                        switch number(row, field, item: column.id) {
                        case .success(let v):
                            value = .number(v)
                            if !column.accepts(v), let p = AnswerRules.problem(.number(v), for: column.item) {
                                problems.append(ImportProblem(line: line, column: colNo, columnName: column.id, message: p.message(item: column.id)))
                            }
                        case .failure(let why):
                            problems.append(ImportProblem(line: line, column: colNo, columnName: column.id, message: why.message))
                        }
                    }
                }
                values[k] = value
                if let ctx { ctx.pointee.answers[column.id] = value.answer }
        }

        /// A number cell (see `numberCell`); plain cells are read from their bytes without a `String`.
        @inline(__always)
        func number(_ row: CSVReader.RowView, _ k: Int, item: String) -> Result<Double, NotANumber> {
            if !row.fields[k].escaped {
                var b = row.raw(k)
                while let f = b.first, f == 0x20 { b = UnsafeRawBufferPointer(rebasing: b.dropFirst()) }
                while let l = b.last, l == 0x20 { b = UnsafeRawBufferPointer(rebasing: b.dropLast()) }
                // Whole numbers of up to 15 digits without a leading zero (what a survey's
                // answers nearly always are): exact as Doubles, read as `JSONParser.number` reads them.
                if b.count <= 15, let f = b.first, f != 0x30 || b.count == 1 {
                    var v: Int64 = 0
                    var digits = true
                    for c in b { if c &- 0x30 < 10 { v = v &* 10 &+ Int64(c &- 0x30) } else { digits = false; break } }
                    if digits { return .success(Double(v)) }
                }
                if let v = try? JSONParser.number(utf8: b) { return .success(v) }
            }
            return LongCSVImporter.numberCell(row.string(k), item: item)
        }
    }

    /// What a row gives one item, as checked (`Reader.checkCells`).
    enum CellValue {
        /// Not shown to this row (`show_if`): not among the record's answers.
        case hidden
        /// No answer (an empty cell, or a word the item does not offer, which is a problem).
        case missing
        /// "Prefer not to answer" (null, and the item among `declined`).
        case declined
        /// "Don't know" (null, and the item among `dont_know`).
        case dontKnow
        case number(Double)
        case text(String)

        /// The answer as a record holds it.
        var answer: Answer {
            switch self {
            case .number(let v): return .number(v)
            case .text(let t): return .text(t)
            default: return .missing
            }
        }
    }

    /// A checked row's participant, wave and role (the roster's when the study has one).
    struct RowHead {
        var participant: String
        var wave: String
        var role: String?
    }

    /// One item the rows answer, with what each cell needs of it read once (a class, so a
    /// row's loop over the items copies no `Item`).
    final class ItemColumn {
        let item: Item
        let id: String
        /// Index of the item's column in a row, -1 when the CSV has none.
        let field: Int
        let isText: Bool, allowsDecline: Bool, allowsDontKnow: Bool
        let showIf: Condition?
        init(_ item: Item, field: Int) {
            self.item = item; id = item.id; self.field = field; isText = item.type == .text
            allowsDecline = item.allowsDecline; allowsDontKnow = item.allowsDontKnow; showIf = item.showIf
            let options = (item.responseSet?.options.map(\.value) ?? []).prefix(64)
            accepted = options.filter { AnswerRules.problem(.number($0), for: item) == nil }.map(\.bitPattern)
        }

        /// The item's option values that `AnswerRules` accept, asked once: a cell holding one
        /// is not asked again (the rows are checked on several threads; this never changes).
        private let accepted: [UInt64]

        /// Whether `AnswerRules` accept the number `v` for the item (`AnswerRules.problem` is nil).
        @inline(__always)
        func accepts(_ v: Double) -> Bool {
            let key = v.bitPattern
            for a in accepted where a == key { return true }
            return AnswerRules.problem(.number(v), for: item) == nil
        }
    }

    /// An item column's field, type and the whole numbers below 64 that `AnswerRules` accept for
    /// it (bit n for n): plain values, so the rows' fast path reads them without reference counting.
    struct ColumnFacts {
        let field: Int
        let isText: Bool
        let smallAccepted: UInt64
        init(_ c: ItemColumn) {
            field = c.field; isText = c.isText
            var bits: UInt64 = 0
            for n in 0..<64 where AnswerRules.problem(.number(Double(n)), for: c.item) == nil { bits |= 1 << UInt64(n) }
            smallAccepted = bits
        }
    }

    /// What a cell holds, as the rows are checked: nothing (only white space), one of the words
    /// for "Prefer not to answer" or "Don't know" (any case), or something else to read.
    enum Cell {
        case empty, declined, dontKnow, other

        /// The cell of field `k`. Cells whose ends are ASCII are trimmed on their bytes (tab and
        /// space are the only ASCII white space of `CharacterSet.whitespaces`); any other cell
        /// goes through `String` exactly as before.
        @inline(__always)
        init(_ row: CSVReader.RowView, _ k: Int) {
            if !row.fields[k].escaped, let b = Self.asciiTrimmed(row.raw(k)) {
                if b.isEmpty { self = .empty; return }
                if b.count < 8 { self = .other; return }
                if b.allSatisfy({ $0 < 0x80 }) {
                    // ASCII lower-casing is exact for ASCII text.
                    self = Self.word(String(decoding: b.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self))
                    return
                }
            }
            let text = row.string(k).trimmingCharacters(in: .whitespaces)
            self = text.isEmpty ? .empty : Self.word(text.lowercased())
        }

        static func word(_ lower: String) -> Cell {
            if lower == "declined" { return .declined }
            if ["dont_know", "don't know", "dont know"].contains(lower) { return .dontKnow }
            return .other
        }

        var isEmpty: Bool { if case .empty = self { return true } else { return false } }

        /// Field `k` without surrounding white space (`CharacterSet.whitespaces`).
        static func trimmed(_ row: CSVReader.RowView, _ k: Int) -> String {
            if !row.fields[k].escaped, let b = asciiTrimmed(row.raw(k)) { return String(decoding: b, as: UTF8.self) }
            return row.string(k).trimmingCharacters(in: .whitespaces)
        }

        /// The bytes without leading and trailing tabs and spaces, or nil when what is left
        /// begins or ends with a non-ASCII byte (which may be Unicode white space).
        @inline(__always)
        static func asciiTrimmed(_ raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
            var s = 0, e = raw.count
            while s < e, raw[s] == 0x20 || raw[s] == 0x09 { s += 1 }
            while e > s, raw[e - 1] == 0x20 || raw[e - 1] == 0x09 { e -= 1 }
            if s < e, raw[s] >= 0x80 || raw[e - 1] >= 0x80 { return nil }
            return UnsafeRawBufferPointer(rebasing: raw[s..<e])
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

