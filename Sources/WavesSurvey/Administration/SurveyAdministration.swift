import Foundation
import WavesCore
import WavesStore

/// How a `waves take` run ended.
public struct AdministrationResult: Sendable {
    /// Records appended to the store, in order.
    public var submitted: [ResponseRecord]
    /// Instruments already complete that the participant chose not to take again.
    public var keptComplete: [String]
    /// The instrument left unfinished (its draft is kept), when the participant left.
    public var leftDuring: String?
    /// Whether a draft holds answers of the instrument left unfinished.
    public var draftKept = false
    /// True when every planned instrument was submitted or deliberately passed over.
    public var finished: Bool { leftDuring == nil }
}

/// Administers a plan: for each instrument, asks before recording a second response to a
/// completed wave, offers to resume a draft, runs the session saving the draft after every
/// change, and appends the record only on a confirmed submission, then removes the draft.
public final class SurveyAdministration {
    public let plan: TakePlan
    public let frontEnd: SurveyFrontEnd
    public let store: ResponseStore
    public let drafts: DraftStore
    private let clock: @Sendable () -> Date

    public init(plan: TakePlan, frontEnd: SurveyFrontEnd, store: ResponseStore? = nil, drafts: DraftStore? = nil,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.plan = plan
        self.frontEnd = frontEnd
        self.store = store ?? ResponseStore(url: plan.bundle.study.storeURL)
        self.drafts = drafts ?? DraftStore(directory: plan.bundle.study.draftsURL)
        self.clock = clock
    }

    /// Runs every planned instrument; throws `TakeError` when a draft or the store cannot be written.
    public func run() throws -> AdministrationResult {
        var result = AdministrationResult(submitted: [], keptComplete: [], leftDuring: nil)
        // Before the first question: the store and the drafts folder must be usable.
        do { try store.checkUsable() } catch { throw TakeError.cannotStart(error.localizedDescription) }
        do { try drafts.checkUsable() } catch { throw TakeError.cannotStart(error.localizedDescription) }
        let previous: [ResponseRecord]
        do {
            previous = store.exists ? try store.read().records.map(\.record) : []
        } catch {
            throw TakeError.cannotStart(error.localizedDescription)
        }
        let study = plan.bundle.study
        for (index, instrument) in plan.instruments.enumerated() {
            let heading = SurveyHeading(studyTitle: study.title, instrumentNumber: index + 1,
                                        instrumentCount: plan.instruments.count, waveLabel: plan.wave.label)
            let done = previous.filter {
                $0.participant == plan.participant && $0.wave == plan.wave.id && $0.instrument.id == instrument.id
            }
            if let last = done.max(by: { $0.submittedAt < $1.submittedAt }) {
                let q = YesNoQuestion(
                    text: "\(instrument.title) is already complete for \(plan.participant) at \(plan.wave.label) (submitted \(Self.readable(last.submittedAt))). Record another response? The earlier one is kept and the new one will be marked as a duplicate.",
                    yes: "record another", no: "leave it as it is")
                switch frontEnd.ask(q, heading: heading) {
                case nil: result.leftDuring = instrument.id; return result
                case false?: result.keptComplete.append(instrument.id); continue
                case true?: break
                }
            }
            guard let session = try prepareSession(instrument, heading: heading, result: &result) else { return result }
            var startedAt = session.startedAt
            let finished = try frontEnd.run(session.session, heading: heading) { s in
                try self.saveDraft(s, startedAt: &startedAt)
            }
            guard finished.outcome == .submitted else {
                try saveDraft(finished, startedAt: &startedAt)
                result.leftDuring = instrument.id
                result.draftKept = draftExists(instrument.id)
                return result
            }
            let (answers, declined) = finished.recordAnswers
            let record = ResponseRecord(
                study: study.id, participant: plan.participant, role: plan.role, wave: plan.wave.id,
                instrument: InstrumentRef(id: instrument.id, version: instrument.version, sha256: instrument.sha256),
                startedAt: startedAt, submittedAt: Timestamp.string(clock()), mode: frontEnd.mode,
                answers: answers, declined: declined)
            do { try store.append(record) } catch {
                throw draftExists(instrument.id) ? TakeError.store(error.localizedDescription) : TakeError.storeNothingKept(error.localizedDescription)
            }
            do { try drafts.remove(participant: plan.participant, wave: plan.wave.id, instrument: instrument.id) } catch {
                // The record is safe; a stale draft only means a later resume offer.
            }
            result.submitted.append(record)
            frontEnd.tell("Thank you. Your answers to \(SafeText.terminal(instrument.title, keepNewlines: false)) are recorded.")
        }
        return result
    }

    private struct Prepared { var session: SurveySession; var startedAt: String }

    /// A fresh session, or one resumed from the draft when the participant accepts; nil when they leave.
    private func prepareSession(_ instrument: Instrument, heading: SurveyHeading, result: inout AdministrationResult) throws -> Prepared? {
        let study = plan.bundle.study
        let waveOrder = study.waves.map(\.id)
        let fresh = Prepared(session: SurveySession(instrument: instrument, role: plan.role, wave: plan.wave.id, waveOrder: waveOrder),
                             startedAt: Timestamp.string(clock()))
        let draft: Draft?
        do {
            draft = try drafts.load(participant: plan.participant, wave: plan.wave.id, instrument: instrument.id)
        } catch {
            let aside = try? drafts.setAside(participant: plan.participant, wave: plan.wave.id, instrument: instrument.id)
            frontEnd.tell("Earlier unfinished answers to \(SafeText.terminal(instrument.title, keepNewlines: false)) could not be read (\(error.localizedDescription)); they were kept in \(aside?.lastPathComponent ?? "the drafts folder") and the questionnaire starts again.")
            return fresh
        }
        guard let d = draft else { return fresh }
        let resumed = SurveySession(instrument: instrument, role: plan.role, wave: plan.wave.id, waveOrder: waveOrder,
                                    responses: d.responses, position: d.position)
        let changed = d.instrument.sha256 != instrument.sha256
            ? " The questionnaire has changed since then; answers to questions that changed are not kept." : ""
        let q = YesNoQuestion(
            text: "You have unfinished answers to \(instrument.title) (\(resumed.respondedCount) of \(resumed.answerableItems.count) questions answered, saved \(Self.readable(d.updatedAt))).\(changed) Resume where you left off?",
            yes: "resume", no: "start over")
        switch frontEnd.ask(q, heading: heading) {
        case nil:
            result.leftDuring = instrument.id
            result.draftKept = true
            return nil
        case true?:
            return Prepared(session: resumed, startedAt: d.startedAt)
        case false?:
            do { try drafts.remove(participant: plan.participant, wave: plan.wave.id, instrument: instrument.id) } catch {
                throw TakeError.draft(error.localizedDescription)
            }
            return fresh
        }
    }

    private func draftExists(_ instrument: String) -> Bool {
        drafts.exists(participant: plan.participant, wave: plan.wave.id, instrument: instrument)
    }

    private func saveDraft(_ s: SurveySession, startedAt: inout String) throws {
        let i = s.instrument
        let exists = draftExists(i.id)
        // Nothing answered yet and nothing saved before: nothing to keep.
        if s.responses.isEmpty && !exists { return }
        let draft = Draft(study: plan.bundle.study.id, participant: plan.participant, role: plan.role, wave: plan.wave.id,
                          instrument: InstrumentRef(id: i.id, version: i.version, sha256: i.sha256),
                          startedAt: startedAt, updatedAt: Timestamp.string(clock()), mode: frontEnd.mode,
                          position: s.position, responses: s.responses)
        do { try drafts.save(draft, order: i.items.map(\.id)) } catch { throw TakeError.draft(error.localizedDescription) }
    }

    /// "2026-03-01 10:03 UTC" from a stored timestamp.
    static func readable(_ ts: String) -> String {
        guard ts.count >= 16 else { return SafeText.terminal(ts, keepNewlines: false) }
        let chars = Array(ts)
        return String(chars[0..<10]) + " " + String(chars[11..<16]) + (ts.hasSuffix("Z") ? " UTC" : "")
    }
}
