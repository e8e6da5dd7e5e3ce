import ArgumentParser
import Foundation
import WavesCore
import WavesStore

/// `waves verify`: walks the store's hash chain (`HashChain`), names the first break and
/// prints the head hash (spec cli.md). Exit 1 on a break. Needs only the store, not a
/// loadable study, so a store can be checked even when study.yaml has a problem.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify",
        abstract: "Check the store's hash chain: name the first edited, deleted, inserted or moved line; print the head hash.")

    @OptionGroup var options: StudyOptions
    @Flag(help: "JSON output.") var json = false

    struct Result: Encodable {
        struct Break: Encodable { var line: Int; var reason: String }
        var records: Int
        var chained: Int
        var first_break: Break?
        var head: String?
        var chain_starts_at: Int?
        var torn_line: Int?

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(records, forKey: .records)
            try c.encode(chained, forKey: .chained)
            try c.encode(first_break, forKey: .first_break)   // null when intact (the contract's key is always present)
            try c.encode(head, forKey: .head)
            try c.encodeIfPresent(chain_starts_at, forKey: .chain_starts_at)
            try c.encodeIfPresent(torn_line, forKey: .torn_line)
        }
        enum CodingKeys: String, CodingKey { case records, chained, first_break, head, chain_starts_at, torn_line }
    }

    func run() throws {
        let store = ResponseStore(url: Study.storeURL(in: options.directory))
        let r = try HashChain.verify(store)
        if json {
            try JSONOutput.print(Result(records: r.records, chained: r.chained,
                                        first_break: r.firstBreak.map { .init(line: $0.line, reason: $0.reason) },
                                        head: r.head, chain_starts_at: r.chainStartsAt, torn_line: r.tornLine))
        } else {
            for line in VerifyCommand.describe(r) { Output.out(line) }
        }
        if r.firstBreak != nil { throw ExitCode(1) }
    }

    /// The report in sentences (also used by `waves validate`).
    static func describe(_ r: ChainReport) -> [String] {
        var out: [String] = []
        let path = "data/responses.jsonl"
        if let b = r.firstBreak { out.append("\(path):\(b.line): the hash chain breaks here: \(b.reason)") }
        if let s = r.chainStartsAt {
            let uncovered = s >= 4 ? "lines 1–\(s - 2) are" : "line 1 is"
            out.append("\(path): no chain before line \(s) (round-1 records without \"prev\"); \(uncovered) not covered by the chain")
        }
        if r.lines > 0 && !r.hasChain { out.append("\(path): no record carries \"prev\" (a store written before the hash chain); nothing can be verified") }
        if let t = r.tornLine { out.append("\(path):\(t): the last line is incomplete (a torn write); it is kept as it is and not part of the chain") }
        out.append("\(r.records) record(s), \(r.chained) chained line(s)" + (r.firstBreak == nil ? "; the chain holds" : ""))
        out.append("head: \(r.head ?? "none (the store is empty)")")
        return out
    }
}
