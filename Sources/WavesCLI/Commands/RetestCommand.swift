import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves retest`: test-retest agreement of a scale score between two waves.
struct RetestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retest",
        abstract: "Test-retest agreement between two waves: Pearson r, ICC(A,1) and ICC(C,1) with 95% intervals.")

    @OptionGroup var options: StudyOptions
    @Option(help: "The scale: S or INSTRUMENT.S.") var scale: String
    @Option(help: "Two waves, comma-separated, e.g. w1,w2.") var waves: String
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let bundle = try options.loadBundle()
        let r = try PsychometricsAnalysis.retest(bundle: bundle, scale: scale, waves: waves.split(separator: ",").map(String.init))
        StudyOptions.reportSetAside(r.setAside.answers)
        if json { try JSONOutput.print(r); return }
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
        Output.out(out.joined(separator: "\n"))
    }
}
