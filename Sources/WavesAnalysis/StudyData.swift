import Foundation
import WavesCore
import WavesStore

/// A study with its store read: the input of every analysis.
///
/// Holds the latest submission per participant, wave and instrument (earlier
/// duplicates are set aside and listed), and the store lines that could not be read.
public struct StudyData: Sendable {
    public var bundle: StudyBundle
    /// Latest record per participant, wave and instrument, in store order.
    public var records: [ResponseRecord]
    public var duplicates: [Duplicate]
    public var problems: [StoreProblem]
    /// Answers of the latest records that their item's rules reject; analyses treat them as missing.
    public var setAside: [SetAsideAnswer]

    public init(bundle: StudyBundle, contents: StoreContents) {
        self.bundle = bundle
        let (latest, dups) = contents.latestStored()
        self.records = latest.map(\.record)
        self.duplicates = dups
        self.problems = contents.problems
        self.setAside = latest.flatMap { SetAsideAnswer.find(in: $0.record, line: $0.line, bundle: bundle) }
    }

    /// The set-aside answers of one instrument.
    public func setAside(instrument: Instrument) -> [SetAsideAnswer] { setAside.filter { $0.instrument == instrument.id } }

    /// Loads the study folder and reads its store.
    public static func load(directory: URL) throws -> StudyData {
        let bundle = try StudyLoader.load(directory: directory)
        let contents = try ResponseStore(url: bundle.study.storeURL).read()
        return StudyData(bundle: bundle, contents: contents)
    }

    public var study: Study { bundle.study }

    /// The role for a row describing one record (`RolePrecedence`: the roster's, else the record's).
    public func role(of record: ResponseRecord) -> String? {
        RolePrecedence.role(roster: bundle.rosterRole(of: record.participant), recorded: record.role)
    }

    /// Resolves `S` or `INSTRUMENT.S` to an instrument and scale.
    public func resolveScale(_ name: String) throws -> (instrument: Instrument, scale: Scale) { try bundle.resolveScale(name) }

    /// Checks wave ids and returns them in study order (all waves when nil or empty).
    public func resolveWaves(_ ids: [String]?) throws -> [Wave] { try bundle.resolveWaves(ids) }

    public func resolveInstrument(_ id: String) throws -> Instrument { try bundle.resolveInstrument(id) }

    /// Records of one instrument (latest submissions).
    public func records(of instrument: Instrument) -> [ResponseRecord] {
        records.filter { $0.instrument.id == instrument.id }
    }

    /// Participants in roster order, then any others in the order they appear in the store.
    public var participants: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for p in bundle.roster?.participants ?? [] where seen.insert(p).inserted { out.append(p) }
        for r in records where seen.insert(r.participant).inserted { out.append(r.participant) }
        return out
    }

    /// A role for each participant (`RolePrecedence`: the roster's, else the one the latest submission names).
    public var roles: [String: String] {
        var tracker = RolePrecedence.Tracker()
        for r in records { tracker.see(participant: r.participant, role: r.role, submittedAt: r.submittedAt) }
        var out: [String: String] = [:]
        for p in participants { if let role = tracker.role(of: p, roster: bundle.roster) { out[p] = role } }
        return out
    }
}

extension SetAsideAnswer {
    /// The numeric answers of a record that its instrument's answer rules reject.
    static func find(in r: ResponseRecord, line: Int, bundle: StudyBundle) -> [SetAsideAnswer] {
        guard let inst = bundle.instrument(r.instrument.id) else { return [] }
        return r.answers.compactMap { a in
            guard case .number(let v) = a.value, let item = inst.item(a.id), item.type != .text, item.type != .note,
                  !AnswerRules.accepts(v, for: item) else { return nil }
            return SetAsideAnswer(line: line, participant: r.participant, wave: r.wave, instrument: inst.id, item: item.id, value: v)
        }
    }
}

extension StudyBundle {
    /// Resolves `S` or `INSTRUMENT.S` to an instrument and scale.
    public func resolveScale(_ name: String) throws -> (instrument: Instrument, scale: Scale) {
        let all = instruments.flatMap { i in i.scales.map { (i, $0) } }
        if let dot = name.firstIndex(of: ".") {
            let iid = String(name[..<dot]), sid = String(name[name.index(after: dot)...])
            if let hit = all.first(where: { $0.0.id == iid && $0.1.id == sid }) { return hit }
        } else {
            let hits = all.filter { $0.1.id == name }
            if hits.count == 1 { return hits[0] }
            if hits.count > 1 { throw AnalysisError.ambiguousScale(name, candidates: hits.map { "\($0.0.id).\($0.1.id)" }) }
        }
        throw AnalysisError.unknownScale(name, available: all.map { "\($0.0.id).\($0.1.id)" })
    }

    /// Checks wave ids and returns them in study order (all waves when nil or empty).
    public func resolveWaves(_ ids: [String]?) throws -> [Wave] {
        guard let ids, !ids.isEmpty else { return study.waves }
        return try ids.map { id in
            guard let w = study.wave(id) else { throw AnalysisError.unknownWave(id, available: study.waves.map(\.id)) }
            return w
        }
    }

    /// The instrument with this id, or an error naming the study's instruments.
    public func resolveInstrument(_ id: String) throws -> Instrument {
        guard let i = instrument(id) else { throw AnalysisError.unknownInstrument(id, available: instruments.map(\.id)) }
        return i
    }
}
