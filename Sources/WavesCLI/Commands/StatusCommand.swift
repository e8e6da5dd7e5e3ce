import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves status`: who completed which wave, per instrument, and attrition.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status",
        abstract: "Completion matrix (participants x waves, per instrument) and attrition per wave.")

    @OptionGroup var options: StudyOptions
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let data = try options.loadData(quiet: json)
        let status = CompletionStatus(data)
        if json { try JSONOutput.print(status); return }
        Output.out("\(data.study.title) (\(data.study.id)): \(status.participantCount) participant(s), \(data.records.count) submission(s)\n")
        for inst in status.instruments {
            Output.out("\(inst.instrument) — completed waves (✓ done, · not yet, – not given at that wave)")
            var t = TextTable(["participant", "role"] + data.study.waves.map(\.id))
            for p in inst.participants {
                t.add([p.participant, p.role ?? "–"] + data.study.waves.map { w in
                    !inst.waves.contains(w.id) ? "–" : (p.completed.contains(w.id) ? "✓" : "·")
                })
            }
            Output.out(t.render())
            var a = TextTable(["wave", "completed", "of baseline"] + data.study.roles, rightAligned: Set(1..<(3 + data.study.roles.count)))
            for row in inst.attrition {
                a.add([row.wave, String(row.completed), NumberText.percent(row.retention)] + data.study.roles.map { String(row.byRole[$0] ?? 0) })
            }
            Output.out("\n" + a.render() + "\n")
        }
        if status.duplicates > 0 { Output.out("\(status.duplicates) repeated submission(s): the latest of each is used (details: `waves validate`).") }
        if status.storeProblems > 0 { Output.out("\(status.storeProblems) store line(s) could not be read (details: `waves validate`).") }
    }
}
