import Foundation
import WavesCore

/// Per wave: its window, and how many participants were invited, consented, started,
/// completed, withdrew or declined (the `"waves"` objects of `waves status --json`).
public struct WaveCollectionCounts: Sendable, Equatable {
    public var wave: String
    public var opens: String?
    public var closes: String?
    public var open: Bool
    public var state: WaveWindow.State
    /// Participants ever issued a code for this wave.
    public var invited: Int
    /// Participants who agreed to the consent text at or before this wave and are not
    /// excluded at it; nil when the study has no consent text.
    public var consented: Int?
    /// A submission of any of the wave's instruments, or a draft.
    public var started: Int
    /// A submission of every instrument of the wave.
    public var completed: Int
    /// Withdrawn at this wave (roster status or `waves withdraw`).
    public var withdrawn: Int
    /// Declined consent at this wave or before.
    public var declined: Int
}

/// Everything the collection commands need to know about a study at one moment.
public struct CollectionState: Sendable {
    public var bundle: StudyBundle
    public var progress: WaveProgress
    public var book: InvitationBook
    public var participation: Participation
    public var consent: ConsentText?

    public init(bundle: StudyBundle, progress: WaveProgress, book: InvitationBook, participation: Participation, consent: ConsentText?) {
        self.bundle = bundle; self.progress = progress; self.book = book; self.participation = participation; self.consent = consent
    }

    /// Reads the store, the drafts, the invitation and consent logs, and the consent text;
    /// with `progress`, the store and drafts as already read (`WaveProgress(drafts:)`).
    public static func load(_ bundle: StudyBundle, progress: WaveProgress? = nil) throws -> CollectionState {
        let study = bundle.study
        let consent = try ConsentText.load(study)
        let events = try ConsentLog(study: study).read()
        return CollectionState(bundle: bundle, progress: try progress ?? WaveProgress.load(bundle),
                               book: try InvitationLog(study: study).book(),
                               participation: Participation(study: study, roster: bundle.roster, events: events, consentSHA256: consent?.sha256),
                               consent: consent)
    }

    /// The roster's participants, or (without a roster) everyone seen in the store, drafts and logs.
    public var participants: [String] {
        if let r = bundle.roster { return r.participants }
        var all = progress.participants
        for set in book.invited.values { all.formUnion(set) }
        return all.sorted()
    }

    public func window(_ wave: Wave) -> WaveWindow { WaveWindow(wave: wave, study: bundle.study) }

    public func counts(at now: Date) -> [WaveCollectionCounts] {
        let people = participants
        return bundle.study.waves.map { w in
            let win = window(w)
            let state = win.state(at: now)
            var c = WaveCollectionCounts(wave: w.id, opens: w.opens?.description, closes: w.closes?.description,
                                         open: state == .open, state: state, invited: book.invited[w.id]?.count ?? 0,
                                         consented: consent == nil ? nil : 0, started: 0, completed: 0, withdrawn: 0, declined: 0)
            for p in people {
                let (started, completed) = progress.progress(p, wave: w.id)
                if started { c.started += 1 }
                if completed { c.completed += 1 }
                switch participation.exclusion(p, at: w.id) {
                case .rosterWithdrawn?, .withdrew?: c.withdrawn += 1
                case .declined?: c.declined += 1
                case nil: break
                }
                if consent != nil, participation.hasConsented(p, by: w.id) { c.consented! += 1 }
            }
            return c
        }
    }
}
