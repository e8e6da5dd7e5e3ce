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
/// answer; the word `declined` records "Prefer not to answer" where allowed.
public enum LongCSVImporter {
    public static func records(csv text: String, file: String, bundle: StudyBundle, instrument: Instrument,
                               wave fixedWave: String?, submittedAt: String = Timestamp.now,
                               makeID: () -> String = { UUID().uuidString.lowercased() }) throws -> [ResponseRecord] {
        let study = bundle.study
        let rows: [CSVReader.Row]
        do { rows = try CSVReader.parse(text) } catch let e as CSVReader.SyntaxError {
            throw ImportError(file: file, problems: [ImportProblem(line: e.line, message: e.message)])
        }
        guard let header = rows.first else { throw ImportError(file: file, problems: [ImportProblem(line: 1, message: "the file is empty (expected a header row participant,wave,role,<items>)")]) }
        var problems: [ImportProblem] = []
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        func col(_ n: String) -> Int? { names.firstIndex(of: n) }
        guard let pCol = col("participant") else {
            throw ImportError(file: file, problems: [ImportProblem(line: header.line, message: "the header has no 'participant' column")])
        }
        let wCol = col("wave"), rCol = col("role")
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
        let given = Dictionary(uniqueKeysWithValues: itemCols.map { ($0.1.id, $0.0) })
        var seenRows: [String: Int] = [:]
        var out: [ResponseRecord] = []
        for row in rows.dropFirst() {
            let line = row.line
            guard row.fields.count == names.count else {
                problems.append(ImportProblem(line: line, message: "expected \(names.count) columns, found \(row.fields.count)")); continue
            }
            let participant = row.fields[pCol].trimmingCharacters(in: .whitespaces)
            if participant.isEmpty { problems.append(ImportProblem(line: line, column: pCol + 1, columnName: "participant", message: "empty participant id")); continue }
            let wave = wCol.map { row.fields[$0].trimmingCharacters(in: .whitespaces) } ?? fixedWave ?? ""
            if study.wave(wave) == nil {
                problems.append(ImportProblem(line: line, column: wCol.map { $0 + 1 }, columnName: "wave", message: "unknown wave '\(wave)' (study waves: \(study.waves.map(\.id).joined(separator: ", ")))"))
                continue
            }
            if let fw = fixedWave, wCol != nil, wave != fw {
                problems.append(ImportProblem(line: line, column: wCol! + 1, columnName: "wave", message: "wave '\(wave)' differs from --wave \(fw)")); continue
            }
            if !study.instruments(at: wave).contains(where: { $0.path == instrument.path }) {
                problems.append(ImportProblem(line: line, column: wCol.map { $0 + 1 }, columnName: "wave", message: "instrument '\(instrument.id)' is not given at wave '\(wave)' (see study.yaml)")); continue
            }
            let csvRole = rCol.map { row.fields[$0].trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            var role: String?
            if let roster = bundle.roster {
                guard let rr = roster.role(of: participant) else {
                    problems.append(ImportProblem(line: line, column: pCol + 1, columnName: "participant", message: "unknown participant '\(participant)' (not in the roster)")); continue
                }
                if let c = csvRole, c != rr {
                    problems.append(ImportProblem(line: line, column: rCol! + 1, columnName: "role", message: "role '\(c)' differs from the roster's '\(rr)' for \(participant)")); continue
                }
                role = rr
            } else {
                guard let c = csvRole else {
                    problems.append(ImportProblem(line: line, column: rCol.map { $0 + 1 }, columnName: "role", message: "no role for '\(participant)' (the study has no roster, so the CSV needs a role column)")); continue
                }
                role = c
            }
            if let r = role, !study.roles.contains(r) {
                problems.append(ImportProblem(line: line, column: rCol.map { $0 + 1 }, columnName: "role", message: "unknown role '\(r)' (study roles: \(study.roles.joined(separator: ", ")))")); continue
            }
            let key = participant + "\u{1}" + wave
            if let first = seenRows[key] {
                problems.append(ImportProblem(line: line, column: pCol + 1, columnName: "participant", message: "\(participant) at \(wave) already appears on line \(first)")); continue
            }
            seenRows[key] = line
            var answers: [(id: String, value: Answer)] = []
            var declined: [String] = []
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
                } else if item.type == .text {
                    value = .text(row.fields[given[item.id]!])
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
            out.append(ResponseRecord(id: makeID(), study: study.id, participant: participant, role: role, wave: wave,
                                      instrument: InstrumentRef(id: instrument.id, version: instrument.version, sha256: instrument.sha256),
                                      startedAt: nil, submittedAt: submittedAt, mode: "import", answers: answers, declined: declined))
        }
        if !problems.isEmpty { throw ImportError(file: file, problems: problems) }
        return out
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
