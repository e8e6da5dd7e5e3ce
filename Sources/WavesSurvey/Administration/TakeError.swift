import Foundation
import WavesCore

/// Why `waves take` cannot start or go on: one sentence each, naming what to fix.
public enum TakeError: Error, LocalizedError, Equatable {
    case emptyParticipant
    case notInRoster(participant: String, roster: String)
    case roleConflict(participant: String, rosterRole: String, given: String)
    case roleNeeded(roles: [String])
    case unknownRole(role: String, roles: [String])
    case unknownWave(wave: String, waves: [String])
    case unknownInstrument(instrument: String, instruments: [String])
    case instrumentNotAtWave(instrument: String, wave: String, atWave: [String])
    case noInstruments(wave: String)
    case studyProblems(String)
    case draft(String)
    case store(String)
    /// The store could not be written and no draft holds the answers (none were given).
    case storeNothingKept(String)
    /// The store or the drafts folder cannot be used: found before the first question.
    case cannotStart(String)

    public var errorDescription: String? {
        func q(_ s: String) -> String { "'" + SafeText.terminal(s, keepNewlines: false) + "'" }
        func list(_ xs: [String]) -> String { xs.map { SafeText.terminal($0, keepNewlines: false) }.joined(separator: ", ") }
        switch self {
        case .emptyParticipant:
            return "The participant id is empty; give it with --participant."
        case .notInRoster(let p, let roster):
            return "Participant \(q(p)) is not in the roster (\(SafeText.terminal(roster, keepNewlines: false))); check the id, or add them to the roster first."
        case .roleConflict(let p, let rr, let given):
            return "The roster gives participant \(q(p)) the role \(q(rr)), not \(q(given)); leave out --role."
        case .roleNeeded(let roles):
            return "This study has no roster, so give the participant's role with --role (one of: \(list(roles)))."
        case .unknownRole(let r, let roles):
            return "Role \(q(r)) is not one of the study's roles (\(list(roles)))."
        case .unknownWave(let w, let waves):
            return "Wave \(q(w)) is not in study.yaml (waves: \(list(waves)))."
        case .unknownInstrument(let i, let all):
            return "Instrument \(q(i)) is not in this study (instruments: \(list(all)))."
        case .instrumentNotAtWave(let i, let w, let at):
            return "Instrument \(q(i)) is not given at wave \(q(w)) (instruments at that wave: \(at.isEmpty ? "none" : list(at)))."
        case .noInstruments(let w):
            return "No instrument is given at wave \(q(w)) in study.yaml."
        case .studyProblems(let details):
            return "The study cannot be used until its files are fixed (run `waves validate` for the full list):\n" + SafeText.terminal(details)
        case .draft(let m):
            return "Your answers could not be saved: \(SafeText.terminal(m)); nothing more was asked."
        case .store(let m):
            return "The answers could not be recorded in the store: \(SafeText.terminal(m)); they are kept in the draft, so run the same command again."
        case .storeNothingKept(let m):
            return "The answers could not be recorded in the store: \(SafeText.terminal(m)). No answers had been given, so there is no draft; run the same command again once the store is fixed."
        case .cannotStart(let m):
            return "The survey cannot start: \(SafeText.terminal(m)). Nothing was asked and nothing was saved; ask the person running the study to fix this."
        }
    }
}
