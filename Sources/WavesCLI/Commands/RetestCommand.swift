import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves retest`: test-retest agreement of a scale score between two waves.
struct RetestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retest",
        abstract: "Test-retest agreement between two waves: Pearson r, ICC(A,1) and ICC(C,1) with 95% intervals.")

    @OptionGroup var options: StudyOptions
    @OptionGroup var scales: ScaleOption
    @Option(help: "Two waves, comma-separated, e.g. w1,w2.") var waves: WaveList
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let bundle = try options.loadBundle()
        let ids = waves.ids
        let reports = try scales.eachSideBySide(bundle) {
            try PsychometricsAnalysis.retest(bundle: bundle, scale: $0, waves: ids)
        }
        StudyOptions.reportSetAside(reports.flatMap(\.setAside.answers))
        if json { try scales.printJSON(reports); return }
        Output.out(reports.map(render).joined(separator: "\n\n"))
    }

    func render(_ r: RetestReport) -> String {
        var out = ["Test-retest of \(r.instrument).\(r.scale), \(r.waves[0]) -> \(r.waves[1]): n = \(r.n) participants with a score at both waves"]
        if let a = r.iccA1, a.isFinite {
            out.append("  ICC(A,1) \(NumberText.fixed(a)) \(NumberText.interval(r.iccA1CI?.first, r.iccA1CI?.last)), n = \(r.n)")
        }
        var t = TextTable(["statistic", "value", "95% interval"], rightAligned: [1])
        t.add(["Pearson r", NumberText.fixed(r.pearsonR, 3), ""])
        t.add(["ICC(A,1) absolute agreement", NumberText.fixed(r.iccA1, 3), r.iccA1CI.map { "\(NumberText.fixed($0[0], 3)) – \(NumberText.fixed($0[1], 3))" } ?? "–"])
        t.add(["ICC(C,1) consistency", NumberText.fixed(r.iccC1, 3), r.iccC1CI.map { "\(NumberText.fixed($0[0], 3)) – \(NumberText.fixed($0[1], 3))" } ?? "–"])
        out.append(t.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        for n in r.notes { out.append("  note: \(n)") }
        return out.joined(separator: "\n")
    }
}
