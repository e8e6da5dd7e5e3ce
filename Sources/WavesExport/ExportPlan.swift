import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

/// The answers of one record, indexed for repeated lookups.
struct RecordView: Sendable {
    var answers: [String: Answer]
    var declined: Set<String>
    var submittedAt: String
    var role: String?

    init(_ r: ResponseRecord) {
        var map: [String: Answer] = [:]
        map.reserveCapacity(r.answers.count)
        for a in r.answers { map[a.id] = a.value }
        answers = map
        declined = Set(r.declined)
        submittedAt = r.submittedAt
        role = r.role
    }
}

/// An instrument version as recorded in responses.
struct InstrumentVersion: Hashable, Sendable, Comparable {
    var version: String
    var sha256: String
    static func < (a: InstrumentVersion, b: InstrumentVersion) -> Bool { (a.version, a.sha256) < (b.version, b.sha256) }
}

/// One row of an export: a participant (wide) or a participant at a wave (long).
struct ExportRow: Sendable {
    /// The id written: the participant id, or its pseudonym when de-identifying.
    var participant: String
    var wave: String?
    var role: String?
    /// Records by slot (instrument in the long layout; instrument x wave in the wide layout).
    var records: [RecordView?]
}

/// What an export holds: variables in order, rows in order, and how to compute each cell.
///
/// Long layout: participant, wave, role, then per instrument its submission time,
/// its answerable items and (with scores) its scales. Wide layout: participant,
/// role, then per instrument and wave the same, named `<item>_<wave>`.
struct ExportPlan: Sendable {
    var study: Study
    var layout: ExportLayout
    var instruments: [Instrument]
    var waves: [Wave]
    var variables: [ExportVariable]
    var rows: [ExportRow]
    var dates: DatePolicy
    var pseudonymized: Bool
    /// Free-text items left out (de-identification without --keep-text).
    var droppedText: [String]
    /// Instrument versions found in the exported records: instrument id -> version -> submissions.
    var versionsInData: [String: [InstrumentVersion: Int]]

    /// Waves of the export at which each instrument is given (instrument id -> wave ids, study order).
    var instrumentWaves: [String: [String]]

    /// Waves of the export at which an instrument is given.
    func waves(of inst: Instrument) -> [Wave] {
        let ids = Set(instrumentWaves[inst.id] ?? [])
        return waves.filter { ids.contains($0.id) }
    }

    /// Builds the plan for a study's data.
    static func build(_ data: StudyData, options: ExportOptions, layout: ExportLayout, scores: Bool, dates: DatePolicy) throws -> ExportPlan {
        let study = data.study
        let waves = try data.resolveWaves(options.waves)
        let instruments: [Instrument]
        if let id = options.instrument {
            instruments = [try data.resolveInstrument(id)]
        } else {
            // Instruments not given at any exported wave have nothing to contribute.
            let selected = Set(waves.map(\.id))
            instruments = data.bundle.instruments.filter { inst in data.bundle.waves(of: inst).contains { selected.contains($0.id) } }
        }
        let waveIDs = waves.map(\.id)
        let waveIndex = Dictionary(uniqueKeysWithValues: waves.enumerated().map { ($1.id, $0) })
        let instIndex = Dictionary(uniqueKeysWithValues: instruments.enumerated().map { ($1.id, $0) })
        let includeText = options.includesText
        let deid = options.deidentification

        // Names: items shared by several instruments, or equal to an identifier column, get the
        // instrument id as a prefix; scales do the same when they meet an item or another scale.
        let reservedNames: Set<String> = layout == .long ? ["participant", "wave", "role"] : ["participant", "role"]
        var itemOwners: [String: Int] = [:]
        for inst in instruments { for it in inst.answerableItems { itemOwners[it.id, default: 0] += 1 } }
        var scaleOwners: [String: Int] = [:]
        for inst in instruments { for s in inst.scales { scaleOwners[s.id, default: 0] += 1 } }
        func itemBase(_ inst: Instrument, _ item: Item) -> String {
            (itemOwners[item.id, default: 0] > 1 || reservedNames.contains(item.id)) ? "\(inst.id)_\(item.id)" : item.id
        }
        func scaleBase(_ inst: Instrument, _ scale: Scale) -> String {
            (scaleOwners[scale.id, default: 0] > 1 || itemOwners[scale.id] != nil || reservedNames.contains(scale.id))
                ? "\(inst.id)_\(scale.id)" : scale.id
        }

        var vars: [ExportVariable] = []
        vars.append(ExportVariable(name: "participant", source: .participant, baseLabel: deid == nil ? "Participant" : "Participant pseudonym (keyed HMAC-SHA256 of the participant id)",
                                   isString: true, measure: .nominal))
        if layout == .long {
            vars.append(ExportVariable(name: "wave", source: .wave, baseLabel: "Wave", isString: true, measure: .nominal))
        }
        vars.append(ExportVariable(name: "role", source: .role, baseLabel: "Role", isString: true, measure: .nominal))
        var droppedText: [String] = []

        func addInstrument(_ inst: Instrument, slot: Int, wave: Wave?) {
            let suffix = wave.map { "_" + $0.id } ?? ""
            if dates != .drop {
                let what = dates == .keep ? "Submitted (UTC)" : "Submission date (UTC)"
                vars.append(ExportVariable(name: "submitted_\(inst.id)" + suffix, suffix: suffix, source: .submitted(slot: slot),
                                           instrument: inst, wave: wave, baseLabel: "\(what): \(inst.title)", isString: true, measure: .nominal))
            }
            for item in inst.answerableItems {
                if item.type == .text && !includeText {
                    let id = "\(inst.id).\(item.id)"
                    if !droppedText.contains(id) { droppedText.append(id) }
                    continue
                }
                var v = ExportVariable(name: itemBase(inst, item) + suffix, suffix: suffix, source: .item(slot: slot, item: item),
                                       instrument: inst, wave: wave, baseLabel: TextLimits.oneLine(item.text),
                                       isString: item.type == .text, measure: .nominal)
                switch item.type {
                case .likert: v.measure = .ordinal
                case .choice: v.measure = .nominal
                case .number: v.measure = .scale
                default: v.measure = .nominal
                }
                if let set = item.responseSet {
                    v.options = set.options
                    v.labelSetKey = "\(inst.id).\(set.id)"
                    if set.allowDecline { v.declineCode = ExportVariable.declineCode(for: set) }
                }
                vars.append(v)
            }
            if scores {
                for s in inst.scales {
                    vars.append(ExportVariable(name: scaleBase(inst, s) + suffix, suffix: suffix, source: .score(slot: slot, scale: s),
                                               instrument: inst, wave: wave, baseLabel: "Scale score: \(TextLimits.oneLine(s.label))",
                                               isString: false, measure: .scale))
                }
            }
        }
        for (i, inst) in instruments.enumerated() {
            switch layout {
            case .long:
                addInstrument(inst, slot: i, wave: nil)
            case .wide:
                let given = Set(data.bundle.waves(of: inst).map(\.id))
                for (w, wave) in waves.enumerated() where given.contains(wave.id) {
                    addInstrument(inst, slot: i * waves.count + w, wave: wave)
                }
            }
        }
        // Exact duplicates left after the prefix rules (e.g. an item called submitted_x) get _2, _3, ...
        var seen = Set<String>()
        for i in vars.indices {
            var n = 2
            let base = vars[i].name
            while !seen.insert(vars[i].name.lowercased()).inserted { vars[i].name = "\(base)_\(n)"; n += 1 }
        }
        var spss = VariableNamer(.spss), stata = VariableNamer(.stata)
        for i in vars.indices {
            vars[i].spssName = spss.name(for: vars[i].name, keepingSuffix: vars[i].suffix)
            vars[i].stataName = stata.name(for: vars[i].name, keepingSuffix: vars[i].suffix)
        }

        // Rows.
        let slots = layout == .long ? instruments.count : instruments.count * waves.count
        var byParticipant: [String: [String: [RecordView?]]] = [:]   // participant -> row key (wave or "") -> slots
        var versions: [String: [InstrumentVersion: Int]] = [:]
        for r in data.records {
            guard let ii = instIndex[r.instrument.id], let wi = waveIndex[r.wave] else { continue }
            let key = layout == .long ? r.wave : ""
            let slot = layout == .long ? ii : ii * waves.count + wi
            var rowSlots = byParticipant[r.participant]?[key] ?? Array(repeating: nil, count: slots)
            rowSlots[slot] = RecordView(r)
            byParticipant[r.participant, default: [:]][key] = rowSlots
            versions[r.instrument.id, default: [:]][InstrumentVersion(version: r.instrument.version, sha256: r.instrument.sha256), default: 0] += 1
        }
        var participants = data.participants.filter { byParticipant[$0] != nil }
        var shown: [String: String] = [:]
        if let deid {
            var owner: [String: String] = [:]
            for p in participants {
                let ps = deid.pseudonym(for: p, study: study.id)
                if let other = owner[ps] { throw ExportError.pseudonymCollision(other, p) }
                owner[ps] = p
                shown[p] = ps
            }
            participants.sort { shown[$0]! < shown[$1]! }
        }
        var rows: [ExportRow] = []
        for p in participants {
            let rowsOfP = byParticipant[p]!
            let rosterRole = data.bundle.rosterRole(of: p)
            let keys = layout == .long ? waveIDs.filter { rowsOfP[$0] != nil } : [""]
            for k in keys {
                let recs = rowsOfP[k]!
                let role = RolePrecedence.role(roster: rosterRole, records: recs.compactMap { $0.map { (role: $0.role, submittedAt: $0.submittedAt) } })
                rows.append(ExportRow(participant: shown[p] ?? p, wave: layout == .long ? k : nil, role: role, records: recs))
            }
        }
        var given: [String: [String]] = [:]
        for inst in instruments {
            let ids = Set(data.bundle.waves(of: inst).map(\.id))
            given[inst.id] = waveIDs.filter { ids.contains($0) }
        }
        return ExportPlan(study: study, layout: layout, instruments: instruments, waves: waves, variables: vars, rows: rows,
                          dates: dates, pseudonymized: deid != nil, droppedText: droppedText, versionsInData: versions,
                          instrumentWaves: given)
    }

    /// The value of a variable in a row.
    func cell(_ v: ExportVariable, _ row: ExportRow) -> Cell {
        switch v.source {
        case .participant: return .text(row.participant)
        case .wave: return row.wave.map(Cell.text) ?? .missing
        case .role: return row.role.map(Cell.text) ?? .missing
        case .submitted(let slot):
            guard let r = row.records[slot] else { return .missing }
            switch dates {
            case .keep: return .text(r.submittedAt)
            case .date: return .text(String(r.submittedAt.prefix { $0 != "T" }))
            case .drop: return .missing
            }
        case .item(let slot, let item):
            guard let r = row.records[slot] else { return .missing }
            if r.declined.contains(item.id) { return .declined }
            switch r.answers[item.id] {
            case .number(let d)?: return .number(d)
            case .text(let s)?: return .text(s)
            case .missing?, nil: return .missing
            }
        case .score(let slot, let scale):
            guard let r = row.records[slot], let inst = v.instrument else { return .missing }
            let s = Scoring.score(scale, in: inst) { r.answers[$0] }
            return s.score.map(Cell.number) ?? .missing
        }
    }
}
