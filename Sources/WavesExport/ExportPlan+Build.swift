import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

extension ExportPlan {
    /// Builds the plan for a study's data.
    static func build(_ data: StudyData, options: ExportOptions, layout: ExportLayout, scores: Bool, dates: DatePolicy) throws -> ExportPlan {
        let waves = try data.resolveWaves(options.waves)
        let instruments = try selectInstruments(data, options: options, waves: waves)
        let (vars, droppedText) = variables(data, instruments: instruments, waves: waves, layout: layout, scores: scores, dates: dates,
                                            includeText: options.includesText, pseudonymized: options.deidentification != nil)
        let (rows, versions) = try rows(data, instruments: instruments, waves: waves, layout: layout, deidentification: options.deidentification)
        let waveIDs = waves.map(\.id)
        var given: [String: [String]] = [:]
        for inst in instruments {
            let ids = Set(data.bundle.waves(of: inst).map(\.id))
            given[inst.id] = waveIDs.filter { ids.contains($0) }
        }
        return ExportPlan(study: data.study, layout: layout, instruments: instruments, waves: waves, variables: vars, rows: rows,
                          dates: dates, pseudonymized: options.deidentification != nil, droppedText: droppedText, versionsInData: versions,
                          instrumentWaves: given)
    }

    /// The instruments of the export: the one asked for, else every instrument given at an exported wave.
    static func selectInstruments(_ data: StudyData, options: ExportOptions, waves: [Wave]) throws -> [Instrument] {
        if let id = options.instrument { return [try data.resolveInstrument(id)] }
        // Instruments not given at any exported wave have nothing to contribute.
        let selected = Set(waves.map(\.id))
        return data.bundle.instruments.filter { inst in data.bundle.waves(of: inst).contains { selected.contains($0.id) } }
    }

    /// The variables in file order (identifiers, then per instrument (and wave, wide) the
    /// submission time, items and scores), with unique names and their SPSS and Stata forms;
    /// and the free-text items left out.
    static func variables(_ data: StudyData, instruments: [Instrument], waves: [Wave], layout: ExportLayout, scores: Bool,
                          dates: DatePolicy, includeText: Bool, pseudonymized: Bool) -> ([ExportVariable], [String]) {

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
        vars.append(ExportVariable(name: "participant", source: .participant, baseLabel: !pseudonymized ? "Participant" : "Participant pseudonym (keyed HMAC-SHA256 of the participant id)",
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
                    if set.allowDontKnow { v.dontKnowCode = ExportVariable.dontKnowCode(for: set) }
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
        return (vars, droppedText)
    }

    /// One row per participant and wave (long) or per participant (wide), each with its
    /// records in the variables' slots, pseudonymised and sorted by pseudonym when asked; and
    /// the instrument versions found in the records.
    static func rows(_ data: StudyData, instruments: [Instrument], waves: [Wave], layout: ExportLayout,
                     deidentification deid: Deidentification?) throws -> ([ExportRow], [String: [InstrumentVersion: Int]]) {
        let study = data.study
        let waveIDs = waves.map(\.id)
        let waveIndex = Dictionary(uniqueKeysWithValues: waves.enumerated().map { ($1.id, $0) })
        let instIndex = Dictionary(uniqueKeysWithValues: instruments.enumerated().map { ($1.id, $0) })
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
            participants.sort { shown[$0, default: $0] < shown[$1, default: $1] }
        }
        var rows: [ExportRow] = []
        for p in participants {
            guard let rowsOfP = byParticipant[p] else { continue }
            let rosterRole = data.bundle.rosterRole(of: p)
            let keys = layout == .long ? waveIDs.filter { rowsOfP[$0] != nil } : [""]
            for k in keys {
                guard let recs = rowsOfP[k] else { continue }
                let role = RolePrecedence.role(roster: rosterRole, records: recs.compactMap { $0.map { (role: $0.role, submittedAt: $0.submittedAt) } })
                rows.append(ExportRow(participant: shown[p] ?? p, wave: layout == .long ? k : nil, role: role, records: recs))
            }
        }
        return (rows, versions)
    }
}
