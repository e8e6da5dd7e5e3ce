import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCollect
import WavesCore

/// `waves status`: who completed which wave, per instrument, and attrition.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status",
        abstract: "Completion matrix (participants x waves, per instrument) and attrition per wave.")

    @OptionGroup var options: StudyOptions
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let (index, progress) = try Self.load(options, quiet: json)
        let data = index.bundle
        let status = CompletionStatus(index, waves: try Self.waveStatus(data, progress: progress, now: Date()))
        if json { try JSONOutput.print(status); return }
        Output.out("\(data.study.title) (\(data.study.id)): \(status.participantCount) participant(s), \(index.chosenSubmissions) submission(s)\n")
        Output.out(Self.waveTable(status, data.study))
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

extension StatusCommand {
    /// One pass over the store: each row goes to the index and to the wave progress
    /// (`WaveProgress`, the home of "started" and "completed"), which `waves status` read
    /// in a second pass before. When the index comes from its cache (`IndexCache`: the store
    /// is unchanged) there is no pass: the progress then takes the store's submissions from
    /// the index (`StudyIndex.forEachSubmission`), so the store is not read at all. The
    /// progress is nil (and `waveStatus` reads it for itself) only when a pass saw some rows
    /// but not as many as the index counts.
    static func load(_ options: StudyOptions, quiet: Bool) throws -> (StudyIndex, WaveProgress?) {
        var progress: WaveProgress?
        var rows = 0
        let index = try options.loadIndex(quiet: quiet) { bundle in
            progress = try WaveProgress(drafts: bundle)
            return { row, _ in progress!.add(row); rows += 1 }
        }
        if rows == index.submissions { return (index, progress) }
        guard rows == 0, var fromIndex = progress else { return (index, nil) }
        fromIndex.reserve(submissions: index.submissions)
        index.forEachSubmission { fromIndex.add(participant: $0, wave: $1, instrument: $2) }
        return (index, fromIndex)
    }

    /// Per-wave windows and collection counts from the invitation and consent logs, the store and the drafts.
    static func waveStatus(_ bundle: StudyBundle, progress: WaveProgress? = nil, now: Date) throws -> [CompletionStatus.WaveStatus] {
        try CollectionState.load(bundle, progress: progress).counts(at: now).map { c in
            let state: String
            switch c.state { case .open: state = "open"; case .notYetOpen: state = "not-yet-open"; case .closed: state = "closed" }
            return CompletionStatus.WaveStatus(wave: c.wave, opens: c.opens, closes: c.closes, open: c.open, state: state,
                                               invited: c.invited, consented: c.consented, started: c.started, completed: c.completed,
                                               withdrawn: c.withdrawn, declined: c.declined)
        }
    }

    /// "Open now: w1 …" and one row per wave.
    static func waveTable(_ status: CompletionStatus, _ study: Study) -> String {
        let open = status.waves.filter(\.open).map { SafeText.line($0.wave) }
        var out = "Waves (dates in \(SafeText.line(status.timezone))): "
        out += open.isEmpty ? "no wave is open now.\n" : "open now: \(open.joined(separator: ", ")).\n"
        var t = TextTable(["wave", "opens", "closes", "now", "invited", "consented", "started", "completed", "withdrawn", "declined"],
                          rightAligned: Set(4..<10))
        for w in status.waves {
            t.add([SafeText.line(w.wave), w.opens ?? "–", w.closes ?? "–", w.state, String(w.invited), w.consented.map(String.init) ?? "–",
                   String(w.started), String(w.completed), String(w.withdrawn), String(w.declined)])
        }
        return out + t.render() + "\n"
    }
}
