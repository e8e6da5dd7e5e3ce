import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

/// What `waves validate` checks of qualitative coding: every codebook of the study, and every
/// coder's file (unreadable or torn lines are errors; decisions on answers that are not in the
/// store, on a codebook the study does not have, or with codes the codebook does not define are
/// warnings: the lines are kept, never rewritten).
public enum CodingValidation {
    /// The checks with the store read whole (`StudyData`).
    public static func check(_ data: StudyData) -> [Problem] {
        let units = Set(((try? data.codingUnits()) ?? []).map(\.id))
        return check(studyDirectory: data.study.directory, isUnit: units.contains)
    }

    /// The checks as `waves validate` runs them after its one pass over the store: the coders'
    /// files name the units they code before the pass, the pass finds which of them are free-text
    /// answers of the submissions that count, and the checks then read the files again.
    public static func followUp(studyDirectory: URL) -> StudyValidation.FollowUp {
        var named = Set<String>()
        for coder in CodingLog.coders(studyDirectory: studyDirectory) {
            guard let log = try? CodingLog(studyDirectory: studyDirectory, coder: coder), let contents = try? log.read() else { continue }
            for (d, _) in contents.decisions { named.insert(d.unit) }
        }
        return StudyValidation.FollowUp(textUnits: named) { found in check(studyDirectory: studyDirectory, isUnit: found.contains) }
    }

    /// The codebooks and every coder's file; `isUnit` tells whether a decision's unit is a
    /// free-text answer in the store.
    static func check(studyDirectory: URL, isUnit: (String) -> Bool) -> [Problem] {
        let books = StudyCodebooks.load(studyDirectory: studyDirectory)
        var problems = books.problems
        for coder in CodingLog.coders(studyDirectory: studyDirectory) {
            guard let log = try? CodingLog(studyDirectory: studyDirectory, coder: coder) else { continue }
            let contents: CodingLogContents
            do { contents = try log.read() } catch {
                problems.append(Problem(file: log.displayPath, message: error.localizedDescription)); continue
            }
            problems += contents.problems
            var missing = 0, unknownBook: [String: Int] = [:], unknownCodes: [String: Int] = [:]
            for (d, line) in contents.decisions {
                if !isUnit(d.unit) { missing += 1 }
                if let b = d.coder, b != coder {
                    problems.append(Problem(file: log.displayPath, line: line, message: "the line names coder '\(b)' but is in \(coder)'s file", severity: .warning))
                }
                let book = d.codebook.flatMap { id in books.codebooks.first { $0.id == id } } ?? (d.codebook == nil && books.codebooks.count == 1 ? books.codebooks[0] : nil)
                guard let book else { unknownBook[d.codebook ?? "(none named)", default: 0] += 1; continue }
                for c in d.codes where !book.contains(c) { unknownCodes["\(book.id):\(c)", default: 0] += 1 }
            }
            if missing > 0 {
                problems.append(Problem(file: log.displayPath, message: "\(missing) line(s) code answers that are not free-text answers in the store; they are kept and left out of analyses", severity: .warning))
            }
            for (b, n) in unknownBook.sorted(by: { $0.key < $1.key }) {
                problems.append(Problem(file: log.displayPath, message: "\(n) line(s) use codebook \(b), which is not in codebooks/", severity: .warning))
            }
            for (c, n) in unknownCodes.sorted(by: { $0.key < $1.key }) {
                let parts = c.split(separator: ":", maxSplits: 1)
                problems.append(Problem(file: log.displayPath, message: "\(n) line(s) apply code '\(parts[1])', which codebook \(parts[0]) does not define (changed since?); kept and not counted", severity: .warning))
            }
        }
        return problems
    }
}
