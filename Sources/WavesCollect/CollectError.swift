import Foundation
import WavesCore

/// Why a collection step cannot go on: one sentence each, naming what to fix.
public enum CollectError: Error, LocalizedError, Equatable {
    /// A file under `data/` (or a secret, template or PIN file) cannot be used.
    case file(path: String, reason: String)
    /// A line of a log under `data/` is not what Waves wrote.
    case logLine(path: String, line: Int, reason: String)
    case unknownWave(wave: String, waves: [String])
    case unknownParticipants([String])
    case noRoster
    case windowClosed(wave: String, closes: String)
    case notOpenYet(wave: String, opens: String)
    case notTakingPart(participant: String, reason: String)
    case template(path: String, line: Int, reason: String)
    case output(path: String, reason: String)
    case pin(String)
    case invitationsClosed(wave: String, closes: String)

    public var errorDescription: String? {
        func q(_ s: String) -> String { "'" + SafeText.line(s) + "'" }
        switch self {
        case .file(let p, let why):
            return "\(SafeText.line(p)): \(SafeText.line(why))"
        case .logLine(let p, let l, let why):
            return "\(SafeText.line(p)):\(l): \(SafeText.line(why))"
        case .unknownWave(let w, let ws):
            return "Wave \(q(w)) is not in study.yaml (waves: \(ws.map(SafeText.line).joined(separator: ", ")))."
        case .unknownParticipants(let ps):
            return "Not in the roster: \(ps.map(SafeText.line).joined(separator: ", ")); check the ids."
        case .noRoster:
            return "This study has no roster; invitations go to the participants listed in roster.csv (participant,role,email)."
        case .windowClosed(let w, let c):
            return "Wave \(q(w)) closed on \(c); pass --outside-window to record it anyway."
        case .notOpenYet(let w, let o):
            return "Wave \(q(w)) opens on \(o); pass --outside-window to record it anyway."
        case .notTakingPart(let p, let why):
            return "Participant \(q(p)) \(SafeText.line(why)), so Waves does not survey them again."
        case .template(let p, let l, let why):
            return "\(SafeText.line(p)):\(l): \(SafeText.line(why))"
        case .output(let p, let why):
            return "\(SafeText.line(p)): \(SafeText.line(why))"
        case .pin(let why):
            return SafeText.line(why)
        case .invitationsClosed(let w, let c):
            return "Wave \(q(w)) closed on \(c); codes for a closed wave would not open anything. Change 'closes' in study.yaml to extend the window."
        }
    }
}
