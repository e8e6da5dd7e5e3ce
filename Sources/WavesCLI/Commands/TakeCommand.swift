import ArgumentParser
import Foundation
import Glibc
import WavesCollect
import WavesCore
import WavesStore
import WavesSurvey

/// `waves take`: a participant answers the wave's instruments in the terminal (docs/survey.md).
struct TakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "take",
        abstract: "Administer a wave's instruments to one participant in the terminal.",
        discussion: """
        Interactive screens in a terminal; plain numbered prompts with --plain, or when \
        stdin or stdout is not a terminal, or TERM=dumb. Answers are saved to a draft as they \
        are given; leaving (q, Ctrl-C, a closed terminal) keeps them, and running the same \
        command again offers to resume. Only a confirmed submission writes the record.
        """)

    @OptionGroup var options: StudyOptions

    @Option(help: "The participant's id (as in the roster).")
    var participant: String

    @Option(help: "The wave id (as in study.yaml).")
    var wave: String

    @Option(help: "The participant's role; needed only when the study has no roster.")
    var role: String?

    @Option(help: "Only this instrument (default: every instrument of the wave).")
    var instrument: String?

    @Flag(help: "Plain mode: no screen control, one numbered prompt per line, one answer per line.")
    var plain = false

    @Option(help: "Show the instruments in this language (the instrument's own or one of its translations); recorded as `language`.")
    var language: String?
    @Flag(name: .customLong("outside-window"), help: "Record the wave even outside its window (opens/closes in study.yaml).")
    var outsideWindow = false

    func run() throws {
        ConsoleSignals.install(for: .participant)
        let bundle: StudyBundle
        do { bundle = try options.loadBundle() } catch let e as LoadError {
            throw TakeError.studyProblems(e.problems.map(\.description).joined(separator: "\n"))
        }
        var plan = try TakePlan.make(bundle: bundle, participant: participant, wave: wave, role: role, instrument: instrument)
        if let lang = language {
            // Same items, values and hash in every language: only the texts change (docs/integrity.md).
            plan.instruments = try plan.instruments.map { inst in
                guard let t = inst.translated(to: lang) else {
                    throw CLIFailure("instrument '\(inst.id)' is not available in '\(SafeText.line(lang))' (its languages: \(inst.languages.isEmpty ? "none declared" : inst.languages.joined(separator: ", ")))")
                }
                return t
            }
        }
        try TakeChecks.check(bundle: bundle, participant: plan.participant, wave: plan.wave.id, outsideWindow: outsideWindow, now: Date())

        let env = ProcessInfo.processInfo.environment
        let term = env["TERM"] ?? ""
        let interactive = !plain && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 && !term.isEmpty && term != "dumb"
        let result: AdministrationResult
        if interactive {
            // Hang-up, kill, Ctrl-\ and crashes restore the terminal first (ConsoleSignals).
            let console = TerminalConsole()
            try console.start()
            defer { console.stop() }
            let frontEnd = InteractiveFrontEnd(console: console, style: Style.detect(env))
            let consent = try TakeChecks.consent(bundle: bundle, participant: plan.participant, wave: plan.wave.id, console: console,
                                                 interactive: true, style: frontEnd.style, echo: false, via: "terminal", now: { Date() })
            guard consent == .agreed else { console.stop(); return Self.consentEnded(consent) }
            result = try SurveyAdministration(plan: plan, frontEnd: frontEnd).run()
            console.stop()
            for r in result.submitted {
                let title = plan.instruments.first { $0.id == r.instrument.id }?.title ?? r.instrument.id
                Output.out("Your answers to \(SafeText.terminal(title, keepNewlines: false)) are recorded.")
            }
        } else {
            signal(SIGINT, leaveOnInterrupt)
            let console = StreamConsole()
            let frontEnd = PlainFrontEnd(console: console, echo: isatty(STDIN_FILENO) != 1)
            let consent = try TakeChecks.consent(bundle: bundle, participant: plan.participant, wave: plan.wave.id, console: console,
                                                 interactive: false, style: Style.detect(env), echo: frontEnd.echo, via: "terminal", now: { Date() })
            guard consent == .agreed else { return Self.consentEnded(consent) }
            result = try SurveyAdministration(plan: plan, frontEnd: frontEnd).run()
        }
        if result.finished {
            if result.submitted.isEmpty {
                Output.out("Nothing new was recorded.")
            } else {
                Output.out("Everything for this wave is recorded. You can close this window.")
            }
        } else if result.draftKept {
            Output.out("Your answers so far are saved. To continue, run the same command again.")
        } else {
            Output.out("No answers were given, so nothing was saved. Run the same command again to start.")
        }
    }
}

extension TakeCommand {
    /// What to say when consent was declined or not given (nothing was asked or recorded).
    static func consentEnded(_ d: ConsentStep.Decision) {
        Output.out(d == .declined ? "Thank you. You will not be asked to take part in this study again."
                                  : "No decision about taking part was recorded, so no questions were asked. Run the same command again to continue.")
    }
}

/// Ctrl-C in plain mode: every answer is already in the draft; say so and leave (exit 130).
private func leaveOnInterrupt(_ sig: Int32) {
    let message: StaticString = "\nYour answers so far are saved. To continue, run the same command again.\n"
    message.withUTF8Buffer { b in _ = Glibc.write(STDERR_FILENO, b.baseAddress, b.count) }
    _exit(130)
}
