import Foundation
import WavesCore
import WavesServe
import WavesSurvey

/// The real participant flow of `waves serve`: the kiosk's access code → consent → the
/// wave's remaining instruments → thanks, once per SSH session (`ParticipantFlow.runRemote`).
///
/// Failed codes count against the session's source address in the server's one
/// `FailureLimiter`; a blocked address is told how long to wait and the session ends.
/// Records carry `via` from the peer (`ssh`). Idle sessions are closed by the server
/// (the console's read returns nil), which the survey treats as a closed terminal: the
/// draft keeps every answer and the same code resumes it. The outcome for the server's log
/// names no code, participant or answer.
public struct AccessCodeFlow: RemoteSessionFlow {
    public let bundle: StudyBundle
    /// Only codes for this wave (`waves serve --wave`); nil: any wave whose code is valid.
    public let wave: String?

    public init(bundle: StudyBundle, wave: String?) { self.bundle = bundle; self.wave = wave }

    public func run(console: Console, peer: PeerInfo, limiter: FailureLimiter) -> RemoteSessionOutcome {
        var settings = FlowSettings(via: peer.via, interactive: true, style: Style.detect(peer.environment),
                                    idleTimeout: nil, wave: wave)
        settings.endWhenLimited = true
        let flow = ParticipantFlow(bundle: bundle, console: console, gate: AttemptGate(limiter: limiter, key: peer.address),
                                   settings: settings)
        return Self.outcome(flow.runRemote())
    }

    /// The log's words for a remote result.
    static func outcome(_ r: ParticipantFlow.RemoteResult) -> RemoteSessionOutcome {
        switch r {
        case .noCode: return .noCode
        case .limited: return .rateLimited
        case .session(let s):
            switch s {
            case .submitted(let n): return n > 0 ? .completed : RemoteSessionOutcome("nothing new recorded")
            case .saved, .inputClosed: return .leftWithDraft
            case .idle: return RemoteSessionOutcome("idle, draft kept")
            case .declined: return RemoteSessionOutcome("declined consent")
            case .inUse: return RemoteSessionOutcome("refused: participant already in a session")
            case .failed: return RemoteSessionOutcome("failed: the answers could not be saved (drafts kept)")
            }
        }
    }
}
