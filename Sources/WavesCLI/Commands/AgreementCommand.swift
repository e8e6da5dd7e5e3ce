import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCoding
import WavesCore

/// `waves agreement`: how well the coders agree, per code and overall; `--joint` shows the
/// joint display (codes by wave and role, co-occurrence, scale change by code) instead.
struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agreement",
        abstract: "Inter-coder agreement per code (percent, Cohen's kappa, Krippendorff's alpha), or the joint display with --joint.",
        discussion: """
        Each code is a present/absent judgement per unit (a parent counts as present when it or \
        a child is applied). Alpha below 0.80 is flagged as tentative, below 0.667 as unreliable \
        (Krippendorff 2004). The interval resamples units (--bootstrap B --seed S). \
        With --joint: code frequencies by wave and role, co-occurrence, and with --scale the \
        scale change of participants whose answers carry each code against the others, from the \
        consensus coding where there is one (docs/coding.md).
        """)

    @OptionGroup var options: StudyOptions
    @Option(help: "The codebook id (default: the study's only codebook).") var codebook: String?
    @Option(help: "Compare only these coders: A,B,.. (default: every coder but consensus).") var coders: String?
    @Option(help: "Only the units of this wave.") var wave: String?
    @Option(help: "Only the answers to this free-text item (I or INSTRUMENT.I).") var item: String?
    @Option(help: "Bootstrap replicates for alpha's interval (0: none).") var bootstrap = 1000
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 1
    @Flag(help: "The joint display instead of agreement.") var joint = false
    @Option(help: "With --joint: the scale whose change is compared (S or INSTRUMENT.S).") var scale: String?
    @Option(help: "With --joint --scale: the earlier wave (default: the scale's first).") var from: String?
    @Option(help: "With --joint --scale: the later wave (default: the scale's last).") var to: String?
    @Flag(help: "JSON output.") var json = false

    func validate() throws {
        if bootstrap < 0 || bootstrap > 100_000 { throw ValidationError("--bootstrap must be between 0 and 100000") }
        if !joint && (scale != nil || from != nil || to != nil) { throw ValidationError("--scale, --from and --to go with --joint") }
    }

    func run() throws {
        let project = try CodingProject.load(directory: options.directory, codebook: codebook, wave: wave, item: item)
        for w in project.warnings { Output.err(w.description) }
        let names = coders?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if joint { try runJoint(project, names); return }
        let chosen = try project.selectCoders(names)
        guard !chosen.isEmpty else {
            throw CLIFailure("no coder has coded in this study yet (data/coding/ is empty); code with `waves code --coder NAME`")
        }
        var judgements: [CoderJudgements] = []
        for c in chosen {
            let r = try project.record(of: c)
            for p in r.problems { Output.err(SafeText.line(p.description)) }
            judgements.append(project.judgements(r))
        }
        let report = AgreementAnalysis.run(codebook: project.codebook, coders: judgements, units: project.units.map(\.id),
                                           bootstrap: bootstrap, seed: seed)
        if json { try JSONOutput.print(report); return }
        Output.out(Self.table(report))
    }

    static func table(_ r: AgreementReport) -> String {
        var out = [SafeText.line("Agreement on codebook \(r.codebook) \(r.codebookVersion): coders \(r.coders.joined(separator: ", ")); \(r.units) unit(s) coded, \(r.overall.nUnits) by at least two")]
        var t = TextTable(["code", "n", "present", "% agree", "kappa", "alpha", "95% CI", "flag"], rightAligned: [1, 2, 3, 4, 5])
        func ci(_ v: [Double]?) -> String { v.map { "[\(NumberText.fixed($0[0], 2)), \(NumberText.fixed($0[1], 2))]" } ?? "–" }
        func flag(_ f: String?) -> String { f == "unreliable" ? "below .667" : (f == "tentative" ? "below .80" : "") }
        for c in r.codes {
            t.add([String(repeating: "  ", count: c.depth) + SafeText.line(c.label), "\(c.nUnits)", "\(c.present)",
                   c.percentAgreement.map { NumberText.percent($0) } ?? "–", NumberText.fixed(c.cohenKappa), NumberText.fixed(c.krippendorffAlpha),
                   ci(c.alphaCI), flag(c.flag)])
        }
        let o = r.overall
        t.add(["all codes pooled", "\(o.nUnits)", "", o.percentAgreement.map { NumberText.percent($0) } ?? "–", NumberText.fixed(o.cohenKappa),
               NumberText.fixed(o.krippendorffAlpha), ci(o.alphaCI), flag(o.flag)])
        out.append("")
        out.append(t.render())
        out.append("")
        out.append("n: units judged by at least two coders; present: judgements applying the code (or a child). Alpha: Krippendorff's, nominal; below .80 rely on the code only tentatively, below .667 not at all (Krippendorff 2004). 95% CI: \(r.bootstrap.replicates) bootstrap resamples of units, seed \(r.bootstrap.seed).")
        for n in r.notes { out.append("note: \(n)") }
        return out.joined(separator: "\n")
    }

    func runJoint(_ project: CodingProject, _ names: [String]?) throws {
        let (coding, source, problems) = try project.effectiveCoding(coders: names)
        for p in problems { Output.err(SafeText.line(p.description)) }
        guard !coding.isEmpty else { throw CLIFailure("no unit in this scope has been coded yet; code with `waves code --coder NAME`") }
        let d = try JointDisplay.build(data: project.data, codebook: project.codebook, units: project.units, coding: coding,
                                       source: source, scale: scale, from: from, to: to)
        if json { try JSONOutput.print(d); return }
        Output.out(JointText.render(d))
    }
}
