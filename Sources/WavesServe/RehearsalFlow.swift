import Foundation
import WavesCore
import WavesSurvey

/// A stand-in participant flow for testing the transport and rehearsing a session
/// (`waves serve --rehearsal`): asks for a word, the participant's roster id, then runs the
/// wave's instruments with the interactive survey (`SurveyAdministration` +
/// `InteractiveFrontEnd`), drafts and resume included, and ends on a thank-you screen.
///
/// Not for real collection: the id is no secret, so anyone who knows one can answer as that
/// participant; the access-code flow of `waves kiosk` is the real front door. Ids that are not
/// in the roster count as failed codes for the `FailureLimiter`, so the limiter is exercised
/// exactly as the real flow uses it. A participant already in a session elsewhere is refused
/// (two sessions would write one draft).
public struct RehearsalFlow: RemoteSessionFlow {
    public let bundle: StudyBundle
    public let wave: String
    /// Wrong words allowed in one session before it ends.
    public var attempts = 3
    private let busy = BusyParticipants()

    public init(bundle: StudyBundle, wave: String) { self.bundle = bundle; self.wave = wave }

    public func run(console: Console, peer: PeerInfo, limiter: FailureLimiter) -> RemoteSessionOutcome {
        let style = Style.detect(peer.environment)
        var hint: String?
        var participant: String?
        for _ in 0..<attempts {
            let wait = limiter.delay(for: peer.address)
            if wait > 0 {
                screen(console, "Too many wrong entries came from your address. Please wait \(Int(wait.rounded(.up))) seconds, then connect again.")
                _ = console.readKey()
                return .rateLimited
            }
            screen(console, (hint.map { $0 + "\r\n\r\n" } ?? "") + "Rehearsal: type your participant id and press Enter.\r\n\r\n> \u{1B}[?25h")
            let typed = console.readLine()
            console.write("\u{1B}[?25l")
            guard let word = typed?.trimmingCharacters(in: .whitespaces) else { return .noCode }
            if bundle.roster?.contains(word) == true { participant = word; break }
            limiter.recordFailure(from: peer.address)
            hint = "That id is not in this study's roster."
        }
        guard let participant else { return .noCode }
        guard busy.claim(participant) else {
            screen(console, "This participant is already answering in another session. Close that one first.")
            _ = console.readKey()
            return RemoteSessionOutcome("refused: participant already in a session")
        }
        defer { busy.release(participant) }
        let result: AdministrationResult
        do {
            let plan = try TakePlan.make(bundle: bundle, participant: participant, wave: wave)
            result = try SurveyAdministration(plan: plan, frontEnd: InteractiveFrontEnd(console: console, style: style)).run()
        } catch {
            let why = (error as? LocalizedError)?.errorDescription ?? "\(error)"
            screen(console, SafeText.terminal(why) + "\r\n\r\nPress any key to close.")
            _ = console.readKey()
            return RemoteSessionOutcome("failed: the answers could not be saved or the plan was refused")
        }
        if result.finished {
            screen(console, (result.submitted.isEmpty ? "Nothing new was recorded." : "Everything for this wave is recorded. Thank you!")
                   + "\r\n\r\nPress any key to close.")
            _ = console.readKey()
            return result.submitted.isEmpty ? RemoteSessionOutcome("nothing new recorded") : .completed
        }
        return result.draftKept ? .leftWithDraft : .leftEmpty
    }

    private func screen(_ console: Console, _ text: String) {
        console.write("\u{1B}[H\u{1B}[2J" + SafeText.terminal(bundle.study.title, keepNewlines: false) + "\r\n\r\n" + text)
    }
}

/// Participants with a session open now.
final class BusyParticipants: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: Set<String> = []
    func claim(_ id: String) -> Bool { lock.lock(); defer { lock.unlock() }; return ids.insert(id).inserted }
    func release(_ id: String) { lock.lock(); ids.remove(id); lock.unlock() }
}
