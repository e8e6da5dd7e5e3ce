import Foundation
import WavesCore

/// One problem in an imported CSV, located by row (file line) and column.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int?
    public var columnName: String?
    public var message: String
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
    public var errorDescription: String? {
        (problems.prefix(50).map { "\(file): \($0)" } + (problems.count > 50 ? ["… and \(problems.count - 50) more problems"] : []))
            .joined(separator: "\n") + "\nNothing was imported."
    }
}

/// Turns a long CSV (`participant,wave,role,<item ids…>`) into response records.
///
/// Every row is checked before anything is written: unknown participant or
/// item, a value outside the response set or the number range, a non-numeric
/// value; all problems are reported together. An empty cell is a missing
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
                } else if let v = Double(cell), v.isFinite {
                    switch item.type {
                    case .likert, .choice:
                        if let set = item.responseSet, set.option(for: v) == nil {
                            problems.append(ImportProblem(line: line, column: colNo, columnName: item.id, message: "value \(cell) is not in the response set of '\(item.id)' (allowed: \(set.options.map { JSONWriter.number($0.value) }.joined(separator: ", ")))"))
                        }
                    case .number:
                        if let lo = item.min, v < lo { problems.append(ImportProblem(line: line, column: colNo, columnName: item.id, message: "value \(cell) is below the minimum \(JSONWriter.number(lo)) of '\(item.id)'")) }
                        if let hi = item.max, v > hi { problems.append(ImportProblem(line: line, column: colNo, columnName: item.id, message: "value \(cell) is above the maximum \(JSONWriter.number(hi)) of '\(item.id)'")) }
                    default: break
                    }
                    value = .number(v)
                } else {
                    problems.append(ImportProblem(line: line, column: colNo, columnName: item.id, message: "'\(cell)' is not a number (item '\(item.id)' takes numbers; leave the cell empty for a missing answer)"))
                }
                answers.append((item.id, value))
                ctx.answers[item.id] = value
            }
            out.append(ResponseRecord(id: makeID(), study: study.id, participant: participant, role: role, wave: wave,
                                      instrument: InstrumentRef(id: instrument.id, version: instrument.version, sha256: instrument.sha256),
                                      startedAt: nil, submittedAt: submittedAt, mode: "import", answers: answers, declined: declined,
                                      via: "import"))
        }
        if !problems.isEmpty { throw ImportError(file: file, problems: problems) }
        return out
    }
}
