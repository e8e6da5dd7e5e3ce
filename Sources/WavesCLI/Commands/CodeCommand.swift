import ArgumentParser
import Foundation
import Glibc
import WavesCoding
import WavesCore
import WavesSurvey

/// `waves code`: a coder codes the free-text answers, one unit per screen (docs/coding.md).
struct CodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "code",
        abstract: "Code the free-text answers against a codebook, one answer at a time.",
        discussion: """
        Blind by default: participant ids, roles and waves are hidden and the answers come in \
        a seeded random order of the coder's own; --show-context shows them. Every decision is \
        appended to data/coding/<coder>.jsonl (nothing is rewritten); running the command again \
        resumes at the first answer without a decision. --reconcile A,B walks the answers on \
        which A and B differ and records the agreed codes as coder 'consensus'. Plain mode \
        (--plain, automatic when stdin or stdout is not a terminal) reads one command per line.
        """)

    @OptionGroup var options: StudyOptions
    @Option(help: "Your coder name (names data/coding/<coder>.jsonl); 'consensus' with --reconcile.") var coder: String?
    @Option(help: "The codebook id (default: the study's only codebook).") var codebook: String?
    @Option(help: "Only the answers of this wave.") var wave: String?
    @Option(help: "Only the answers to this free-text item (I or INSTRUMENT.I).") var item: String?
    @Option(help: "Seed of the order (default: one per study and coder).") var seed: UInt64?
    @Option(help: "Reconcile two coders: A,B.") var reconcile: String?
    @Flag(help: "Show participant, role, wave and instrument (not blind).") var showContext = false
    @Flag(help: "Plain mode: no screen control, one command per line.") var plain = false

    func validate() throws {
        if coder == nil && reconcile == nil { throw ValidationError("give --coder NAME (or --reconcile A,B)") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let project = try CodingProject.load(directory: options.directory, codebook: codebook, wave: wave, item: item)
        for w in project.warnings { Output.err(w.description) }
        let plan: CodingPlan
        let name: String
        if let r = reconcile {
            let pair = r.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { throw CLIFailure("--reconcile takes two coders: A,B") }
            name = coder ?? CoderName.consensus
            try CoderName.validate(name)
            if pair.contains(name) { throw CLIFailure("the reconciled decisions cannot be recorded as \(name), one of the coders compared") }
            plan = try CodingPlan.reconcile(project, a: pair[0], b: pair[1], coder: name, showContext: showContext)
        } else {
            name = coder!
            try CoderName.validate(name)
            plan = try CodingPlan.coding(project, coder: name, seed: seed, showContext: showContext)
        }
        let log = try project.log(name)
        let labels = Dictionary(uniqueKeysWithValues: project.data.study.waves.map { ($0.id, $0.label) })
        let env = ProcessInfo.processInfo.environment
        let term = env["TERM"] ?? ""
        let interactive = !plain && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 && !term.isEmpty && term != "dumb"
        let outcome: CodingOutcome
        if interactive {
            let console = TerminalConsole()
            for sig in [SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGABRT, SIGILL, SIGTRAP, SIGBUS, SIGSEGV, SIGFPE] {
                signal(sig, restoreTerminalAndDieWhileCoding)
            }
            try console.start()
            defer { console.stop() }
            outcome = try InteractiveCodingFrontEnd(console: console, style: Style.detect(env), waveLabels: labels)
                .run(plan, record: { try log.append($0) }, now: { Timestamp.now })
            console.stop()
        } else {
            // Every decision is on disk as soon as it is made: Ctrl-C may simply end the process.
            outcome = try PlainCodingFrontEnd(console: StreamConsole(), echo: isatty(STDIN_FILENO) != 1, waveLabels: labels)
                .run(plan, record: { try log.append($0) }, now: { Timestamp.now })
        }
        Output.out("\(outcome.recorded) decision(s) recorded in \(log.displayPath); \(outcome.coded) of \(outcome.total) unit(s) coded"
            + (outcome.coded < outcome.total ? ". Run the same command again to continue." : "."))
    }
}

/// Restores the terminal, then dies of the same signal (every decision made is already on disk).
private func restoreTerminalAndDieWhileCoding(_ sig: Int32) {
    TerminalConsole.restoreAfterSignal()
    signal(sig, SIG_DFL)
    raise(sig)
}
