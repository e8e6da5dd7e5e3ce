import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves rci`: reliable change per participant (Jacobson & Truax 1991).
struct RCICommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rci",
        abstract: "Reliable change index per participant between two waves (Jacobson & Truax), with a summary.")

    @OptionGroup var options: StudyOptions
    @OptionGroup var scales: ScaleOption
    @Option(help: "The earlier wave.") var from: String
    @Option(help: "The later wave.") var to: String
    @Option(help: "Reliability to use instead of alpha at the earlier wave.") var reliability: Double?
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let bundle = try options.loadBundle()
        let (from, to, reliability) = (from, to, reliability)
        let reports = try scales.eachSideBySide(bundle) {
            try PsychometricsAnalysis.reliableChange(bundle: bundle, scale: $0, from: from, to: to, reliability: reliability)
        }
        StudyOptions.reportSetAside(reports.flatMap(\.setAside.answers))
        if json { try scales.printJSON(reports); return }
        // Reports one after another, separated by an empty line, as one text joined by "\n\n"
        // would print: each report's table is written as its lines are laid out.
        if reports.isEmpty { Output.out("") }
        for (i, r) in reports.enumerated() {
            if i > 0 { Output.out("", terminator: "\n") }
            write(r)
        }
    }

    /// One report: its summary, then the table, each line ending in a line feed. The table's
    /// cells go through `SafeText.line` (the ids and roles; the numbers are `NumberText`'s), so
    /// its lines are written as they are; its rows are made once, in pieces on every core
    /// (`TextTable.renderKeepingRows`: formatting five numbers per participant was most of a
    /// warm `waves rci`).
    func write(_ r: RCIReport) {
        var head = ["Reliable change of \(r.instrument).\(r.scale), \(r.from) -> \(r.to): n = \(r.n)"]
        head.append("  reliability \(NumberText.fixed(r.reliability, 3)) (\(r.reliabilitySource)), SD at \(r.from) \(NumberText.fixed(r.sdBaseline, 3)), S_diff \(NumberText.fixed(r.sDiff, 3)); |RC| > 1.96 is reliable")
        head.append("  \(r.summary.increase) reliably increased, \(r.summary.decrease) reliably decreased, \(r.summary.noChange) no reliable change")
        head.append("")
        Output.out(head.joined(separator: "\n"))
        // A handful of categories: each one's words made once (Foundation's replacingOccurrences
        // per participant was a sixth of the command at 100,000 participants).
        var words: [String: String] = [:]
        for p in r.participants {
            let category = p.category ?? "–"
            if words[category] == nil { words[category] = SafeText.line(category.replacingOccurrences(of: "_", with: " ")) }
        }
        let participants = r.participants, texts = words
        let header = ["participant", "role", r.from, r.to, "RC", "category"].map(SafeText.line)
        TextTable.renderKeepingRows(header: header, count: participants.count, rightAligned: [2, 3, 4], rows: { range in
            participants[range].map { p in
                [SafeText.line(p.participant), SafeText.line(p.role ?? "–"), NumberText.fixed(p.x1), NumberText.fixed(p.x2), NumberText.fixed(p.rc),
                 texts[p.category ?? "–"]!]
            }
        }, emit: Output.record)
        for n in r.notes { Output.out("note: \(n)") }
    }
}
