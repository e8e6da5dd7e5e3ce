import ArgumentParser
import Foundation
import WavesCollect
import WavesCore

/// `waves withdraw P`: records that a participant leaves the study (docs/collection.md).
struct WithdrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "withdraw",
        abstract: "Record a participant's withdrawal; later invitations, reminders and codes skip them.",
        discussion: """
        Appends a 'withdraw' decision to data/consent.jsonl (roster.csv is not changed) and \
        revokes the participant's live codes from that wave on. The withdrawal applies from \
        --wave on (default: the first wave they have not completed); answers already given \
        are kept.
        """)

    @OptionGroup var options: StudyOptions

    @Argument(help: "The participant's id.")
    var participant: String

    @Option(help: "The first wave the withdrawal applies to (default: the first wave the participant has not completed).")
    var wave: String?

    func run() throws {
        let bundle = try options.loadBundle()
        let study = bundle.study
        let p = participant.trimmingCharacters(in: .whitespaces)
        let state = try CollectionState.load(bundle)
        if let roster = bundle.roster, !roster.contains(p) { throw CollectError.unknownParticipants([p]) }
        let w: Wave
        if let id = wave {
            guard let found = study.wave(id) else { throw CollectError.unknownWave(wave: id, waves: study.waves.map(\.id)) }
            w = found
        } else {
            w = study.waves.first { !state.progress.isComplete(p, wave: $0.id) } ?? study.waves.last!
        }
        if let ex = state.participation.exclusion(p, at: w.id) {
            Output.out("\(SafeText.line(p)) \(ex.reason); nothing new was recorded.")
            return
        }
        let now = Timestamp.string(Date())
        try ConsentLog(study: study).append(ConsentEvent(participant: p, wave: w.id, consentSHA256: state.consent?.sha256,
                                                         decision: .withdraw, at: now, via: "command"))
        let from = study.waveIndex(w.id) ?? 0
        let revoke = study.waves[from...].compactMap { state.book.liveCode(participant: p, wave: $0.id) }
        try InvitationLog(study: study).append(revoke.map {
            InvitationEvent(participant: p, wave: $0.wave, event: .revoked, at: now, codeHash: $0.codeHash)
        })
        Output.out("Recorded in data/consent.jsonl: \(SafeText.line(p)) withdrawn from \(SafeText.line(w.id)) on"
                   + (revoke.isEmpty ? "" : "; \(revoke.count) access code(s) revoked")
                   + ". Invitations, reminders and the kiosk skip them; answers already given are kept.")
    }
}
