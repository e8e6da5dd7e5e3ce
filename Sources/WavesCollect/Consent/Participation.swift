import Foundation
import WavesCore

/// Who may be surveyed and invited at a wave, derived from the roster's `status` column and
/// the consent log (the roster is the evaluator's file and is never rewritten by Waves).
///
/// Rules (docs/collection.md):
/// - `status: withdrawn` in the roster excludes a participant at every wave.
/// - A `decline` or `withdraw` recorded at wave W excludes the participant at W and every
///   later wave; earlier waves (and the answers given there) are untouched. A decision at a
///   wave no longer in study.yaml excludes everywhere. Nothing undoes an exclusion.
/// - A study with a consent text needs an `agree` to the current version (its SHA-256):
///   an agreement to an earlier version asks again.
public struct Participation: Sendable {
    public enum Exclusion: Sendable, Equatable {
        case rosterWithdrawn
        case withdrew(at: String)
        case declined(at: String)

        /// "has withdrawn (recorded 2026-03-02T…)", for one sentence about the participant.
        public var reason: String {
            switch self {
            case .rosterWithdrawn: return "is marked withdrawn in the roster"
            case .withdrew(let at): return "has withdrawn (recorded \(at))"
            case .declined(let at): return "declined consent (recorded \(at))"
            }
        }
    }

    public let waveOrder: [String]
    public let consentSHA256: String?
    private var withdrawnInRoster: Set<String> = []
    private var stops: [String: (index: Int, exclusion: Exclusion)] = [:]
    private var agreed: [String: [(index: Int, sha: String?)]] = [:]

    public init(study: Study, roster: Roster?, events: [ConsentEvent], consentSHA256: String?) {
        waveOrder = study.waves.map(\.id)
        self.consentSHA256 = consentSHA256
        for e in roster?.entries ?? [] where e.status == .withdrawn { withdrawnInRoster.insert(e.participant) }
        for e in events {
            let idx = waveOrder.firstIndex(of: e.wave) ?? 0
            switch e.decision {
            case .agree: agreed[e.participant, default: []].append((idx, e.consentSHA256))
            case .decline, .withdraw:
                let ex: Exclusion = e.decision == .decline ? .declined(at: e.at) : .withdrew(at: e.at)
                if let s = stops[e.participant], s.index <= idx { continue }
                stops[e.participant] = (idx, ex)
            }
        }
    }

    /// Why the participant is not surveyed at this wave, or nil when they may be.
    public func exclusion(_ participant: String, at wave: String) -> Exclusion? {
        if withdrawnInRoster.contains(participant) { return .rosterWithdrawn }
        let idx = waveOrder.firstIndex(of: wave) ?? waveOrder.count
        if let s = stops[participant], s.index <= idx { return s.exclusion }
        return nil
    }

    /// Whether the participant must be shown the consent text (and agree) before answering.
    public func needsConsent(_ participant: String) -> Bool {
        guard let sha = consentSHA256 else { return false }
        return !(agreed[participant] ?? []).contains { $0.sha == sha }
    }

    /// Whether the participant agreed (to any version) at this wave or before and is not excluded at it.
    public func hasConsented(_ participant: String, by wave: String) -> Bool {
        guard exclusion(participant, at: wave) == nil, let idx = waveOrder.firstIndex(of: wave) else { return false }
        return (agreed[participant] ?? []).contains { $0.index <= idx }
    }

    /// Whether the exclusion at this wave is a withdrawal (roster or log), as opposed to a declined consent.
    public func hasWithdrawn(_ participant: String, at wave: String) -> Bool {
        switch exclusion(participant, at: wave) {
        case .rosterWithdrawn?, .withdrew?: return true
        default: return false
        }
    }
}
