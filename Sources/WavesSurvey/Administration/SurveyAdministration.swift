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
    /// The records' `via`: `terminal` for `waves take`; the kiosk and `waves serve` set their own.
    public var via = "terminal"

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
        // This participant's earlier submissions at this wave: instrument and time only, streamed
        // through the columnar scan, so a session never holds the study's records (at 100,000
        // participants that was 1.2 GB per session).
        var previous: [(instrument: String, submittedAt: String)] = []
        do {
            if store.exists {
                let participant = plan.participant, wave = plan.wave.id
                _ = try store.scanColumns(ColumnRequest()) { row, _ in
                    if row.participant == participant && row.wave == wave { previous.append((row.instrument, row.submittedAt)) }
                }
            }
        } catch {
            throw TakeError.cannotStart(error.localizedDescription)
        }
        let study = plan.bundle.study
        let isComplete: (Instrument) -> Bool = { i in previous.contains { $0.instrument == i.id } }
        // Coming back to a wave half done: the instruments already recorded (and not being
        // taken again, which a draft would show) are passed over without a question, so the
        // resume offer or the next instrument comes first. Only when everything planned is
        // complete does the participant get asked whether to record another response.
        let passOver = Set(plan.instruments.filter { isComplete($0) && !draftExists($0.id) }.map(\.id))
        let continuing = !passOver.isEmpty && passOver.count < plan.instruments.count
        if continuing {
            let titles = plan.instruments.filter { passOver.contains($0.id) }.map { SafeText.terminal($0.title, keepNewlines: false) }
            frontEnd.tell("Already recorded at \(SafeText.terminal(plan.wave.label, keepNewlines: false)): \(titles.joined(separator: ", ")).")
        }
        for (index, instrument) in plan.instruments.enumerated() {
            let heading = SurveyHeading(studyTitle: study.title, instrumentNumber: index + 1,
                                        instrumentCount: plan.instruments.count, waveLabel: plan.wave.label)
            if continuing && passOver.contains(instrument.id) { result.keptComplete.append(instrument.id); continue }
            let done = previous.filter { $0.instrument == instrument.id }
            if let last = done.max(by: { $0.submittedAt < $1.submittedAt }), !draftExists(instrument.id) {
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
            // Time on each item's screen and the duration (record keys `timings`, `duration_ms`).
            var timer = ScreenTimer()
            timer.observe(session.session.position, at: clock())
            let finished = try frontEnd.run(session.session, heading: heading) { s in
                timer.observe(s.position, at: self.clock())
                try self.saveDraft(s, startedAt: &startedAt)
            }
            guard finished.outcome == .submitted else {
                try saveDraft(finished, startedAt: &startedAt)
                result.leftDuring = instrument.id
                result.draftKept = draftExists(instrument.id)
                return result
            }
            let (answers, declined) = finished.recordAnswers
            let submitted = clock()
            var record = ResponseRecord(
                study: study.id, participant: plan.participant, role: plan.role, wave: plan.wave.id,
                instrument: InstrumentRef(id: instrument.id, version: instrument.version, sha256: instrument.sha256),
                startedAt: startedAt, submittedAt: Timestamp.string(submitted), mode: frontEnd.mode,
                answers: answers, declined: declined, via: via)
            record.durationMs = timer.finish(at: submitted)
            record.timings = timer.timings
            record.dontKnow = finished.dontKnowItems
            record.language = instrument.language
            do { try store.append([record], instruments: [instrument]) } catch {
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
            text: "You have unfinished answers to \(instrument.title) (\(Self.progress(resumed)), saved \(Self.readable(d.updatedAt))).\(changed) Resume where you left off?",
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

    /// "4 of 10 questions answered, 1 skipped, 1 declined, 1 don't know": skipped, declined and
    /// "don't know" items are not counted as answered.
    static func progress(_ s: SurveySession) -> String {
        let items = s.answerableItems
        var answered = 0, skipped = 0, declined = 0, dontKnow = 0
        for item in items {
            switch s.response(item.id) {
            case .answered(.missing)?, .skipped?: skipped += 1
            case .answered?: answered += 1
            case .declined?: declined += 1
            case .dontKnow?: dontKnow += 1
            case nil: break
            }
        }
        return "\(answered) of \(items.count) question\(items.count == 1 ? "" : "s") answered"
            + (skipped > 0 ? ", \(skipped) skipped" : "") + (declined > 0 ? ", \(declined) declined" : "")
            + (dontKnow > 0 ? ", \(dontKnow) don't know" : "")
    }

    /// "2026-03-01 10:03 UTC" from a stored timestamp.
    static func readable(_ ts: String) -> String {
        guard ts.count >= 16 else { return SafeText.terminal(ts, keepNewlines: false) }
        let chars = Array(ts)
        return String(chars[0..<10]) + " " + String(chars[11..<16]) + (ts.hasSuffix("Z") ? " UTC" : "")
    }
}
