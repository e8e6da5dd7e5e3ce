import Foundation
import WavesAnalysis
import WavesCore

/// What `waves validate` checks of qualitative coding: every codebook of the study, and every
/// coder's file (unreadable or torn lines are errors; decisions on answers that are not in the
/// store, on a codebook the study does not have, or with codes the codebook does not define are
/// warnings: the lines are kept, never rewritten).
public enum CodingValidation {
    public static func check(_ data: StudyData) -> [Problem] {
        let books = StudyCodebooks.load(studyDirectory: data.study.directory)
        var problems = books.problems
        let units = Set(((try? data.codingUnits()) ?? []).map(\.id))
        for coder in CodingLog.coders(studyDirectory: data.study.directory) {
            guard let log = try? CodingLog(studyDirectory: data.study.directory, coder: coder) else { continue }
            let contents: CodingLogContents
            do { contents = try log.read() } catch {
                problems.append(Problem(file: log.displayPath, message: error.localizedDescription)); continue
            }
            problems += contents.problems
            var missing = 0, unknownBook: [String: Int] = [:], unknownCodes: [String: Int] = [:]
            for (d, line) in contents.decisions {
                if !units.contains(d.unit) { missing += 1 }
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
