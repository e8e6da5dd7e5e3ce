import Foundation
import WavesCore

/// One participant to write to: who, where, and (when a new code was issued) the code.
public struct PlannedInvitation: Sendable {
    public var participant: String
    public var email: String?
    public var name: String?
    /// The new code; nil for a reminder that points to the code already sent.
    public var code: AccessCode?
    /// When the participant's live code was issued (before this run), for reminders.
    public var earlierCodeIssuedAt: String?
    /// Whether a new code replaces a live one (the old one is revoked).
    var replacesHash: String?
}

/// Who is invited or reminded, and who is skipped and why.
public struct InvitationPlan: Sendable {
    public enum Kind: Sendable { case invite, remind }
    public var kind: Kind
    public var wave: Wave
    public var window: WaveWindow
    /// The window's state when the plan was made.
    public var state: WaveWindow.State
    public var items: [PlannedInvitation]
    public var skipped: [(participant: String, reason: String)]
}

/// The rules of `waves invite` and `waves remind` (cli.md, docs/collection.md).
///
/// Both: only roster participants, refused once the wave's window has closed (allowed
/// before it opens); nobody excluded (withdrawn, declined) and nobody who completed the
/// wave. `invite`: everyone else without a live code for the wave; a participant named in
/// `--participants`, or everyone with `--reissue`, gets a new code that revokes the old one.
/// `remind`: those holding a live code; new codes only with `--reissue`.
public enum InvitationPlanner {
    public static func plan(_ kind: InvitationPlan.Kind, state: CollectionState, wave waveID: String, participants named: [String]?,
                            reissue: Bool, now: Date) throws -> InvitationPlan {
        let study = state.bundle.study
        guard let wave = study.wave(waveID) else { throw CollectError.unknownWave(wave: waveID, waves: study.waves.map(\.id)) }
        guard let roster = state.bundle.roster else { throw CollectError.noRoster }
        let window = state.window(wave)
        let windowState = window.state(at: now)
        if windowState == .closed {
            throw CollectError.invitationsClosed(wave: wave.id, closes: wave.closes?.readable ?? "")
        }
        var who = roster.entries
        if let named {
            let unknown = named.filter { !roster.contains($0) }
            if !unknown.isEmpty { throw CollectError.unknownParticipants(unknown) }
            who = who.filter { named.contains($0.participant) }
        }
        var plan = InvitationPlan(kind: kind, wave: wave, window: window, state: windowState, items: [], skipped: [])
        for e in who {
            let p = e.participant
            if let ex = state.participation.exclusion(p, at: wave.id) { plan.skipped.append((p, ex.reason)); continue }
            if state.progress.isComplete(p, wave: wave.id) { plan.skipped.append((p, "has completed \(wave.id)")); continue }
            let live = state.book.liveCode(participant: p, wave: wave.id)
            var item = PlannedInvitation(participant: p, email: e.email, name: e.name, code: nil,
                                         earlierCodeIssuedAt: live?.issuedAt, replacesHash: live?.codeHash)
            switch kind {
            case .invite:
                if let live, !reissue, named == nil {
                    plan.skipped.append((p, "was invited on \(String(live.issuedAt.prefix(10))) (send a reminder with `waves remind`, or a new code with --reissue)"))
                    continue
                }
                item.code = AccessCode.generate()
            case .remind:
                guard live != nil else {
                    plan.skipped.append((p, state.book.invited[wave.id]?.contains(p) == true
                                         ? "has no live code (invite them again)" : "has not been invited to \(wave.id)"))
                    continue
                }
                if reissue { item.code = AccessCode.generate() }
            }
            plan.items.append(item)
        }
        return plan
    }

    /// Records the new codes (their HMACs; revoking replaced codes) in one append.
    public static func issue(_ plan: InvitationPlan, log: InvitationLog, now: Date) throws {
        let fresh = plan.items.filter { $0.code != nil }
        guard !fresh.isEmpty else { return }
        guard let secret = try log.secret(create: true) else { return }
        let at = Timestamp.string(now)
        var events: [InvitationEvent] = []
        for item in fresh {
            if let old = item.replacesHash {
                events.append(InvitationEvent(participant: item.participant, wave: plan.wave.id, event: .revoked, at: at, codeHash: old))
            }
            events.append(InvitationEvent(participant: item.participant, wave: plan.wave.id, event: .issued, at: at,
                                          codeHash: secret.hash(item.code!)))
        }
        try log.append(events)
    }
}
