import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

extension ExportPlan {
    /// Builds the plan for a study's data; without `rows` (the scoring syntax, which reads the
    /// variables alone), no row, pseudonym or version in data is computed.
    static func build(_ data: ExportData, options: ExportOptions, layout: ExportLayout, scores: Bool, dates: DatePolicy,
                      rows withRows: Bool = true) throws -> ExportPlan {
        let waves = try data.resolveWaves(options.waves)
        let instruments = try selectInstruments(data, options: options, waves: waves)
        var (vars, droppedText) = variables(data, instruments: instruments, waves: waves, layout: layout, scores: scores, dates: dates,
                                            includeText: options.includesText, pseudonymized: options.deidentification != nil)
        let table = data.table
        // Where the plan's instruments and waves sit in the table (`ExportData` holds at least these).
        let tableInstrument = instruments.map { inst in table.instruments.firstIndex { $0.id == inst.id } ?? -1 }
        let tableWave = waves.map { w in table.waves.firstIndex { $0.id == w.id } ?? -1 }
        guard !tableInstrument.contains(-1), !tableWave.contains(-1) else {
            throw ExportError.cannotWrite(path: data.study.directory.path, reason: "the export's data were read for other instruments or waves")
        }
        for i in vars.indices {
            if case .item(let slot, let item) = vars[i].source {
                let ti = layout == .long ? tableInstrument[slot] : tableInstrument[slot / waves.count]
                vars[i].column = table.columns[ti][item.id] ?? -1
            }
        }
        let (rows, shown, versions) = withRows
            ? try rows(data, instruments: tableInstrument, waves: tableWave, layout: layout, deidentification: options.deidentification)
            : ([], nil, [:])
        let waveIDs = waves.map(\.id)
        var given: [String: [String]] = [:]
        for inst in instruments {
            let ids = Set(data.bundle.waves(of: inst).map(\.id))
            given[inst.id] = waveIDs.filter { ids.contains($0) }
        }
        return ExportPlan(study: data.study, layout: layout, instruments: instruments, waves: waves, variables: vars, rows: rows,
                          dates: dates, pseudonymized: options.deidentification != nil, droppedText: droppedText, versionsInData: versions,
                          instrumentWaves: given, table: table, tableInstrument: tableInstrument, tableWave: tableWave, shownIDs: shown,
                          cellSources: cellSources(vars))
    }

    /// The instruments of the export: the one asked for, else every instrument given at an exported wave.
    static func selectInstruments(_ data: ExportData, options: ExportOptions, waves: [Wave]) throws -> [Instrument] {
        if let id = options.instrument { return [try data.resolveInstrument(id)] }
        // Instruments not given at any exported wave have nothing to contribute.
        let selected = Set(waves.map(\.id))
        return data.bundle.instruments.filter { inst in data.bundle.waves(of: inst).contains { selected.contains($0.id) } }
    }

    /// The variables in file order (identifiers, then per instrument (and wave, wide) the
    /// submission time, items and scores), with unique names and their SPSS and Stata forms;
    /// and the free-text items left out.
    static func variables(_ data: ExportData, instruments: [Instrument], waves: [Wave], layout: ExportLayout, scores: Bool,
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

    /// One row per participant and wave (long) or per participant (wide), in participant order
    /// (or by pseudonym when de-identifying), each with its role (`RolePrecedence` over the
    /// row's records in slot order); the pseudonyms; and the instrument versions of the records.
    /// `instruments` and `waves` are the plan's, as table indices.
    static func rows(_ data: ExportData, instruments: [Int], waves: [Int], layout: ExportLayout,
                     deidentification deid: Deidentification?) throws -> ([ExportRow], [String]?, [String: [InstrumentVersion: Int]]) {
        let table = data.table
        // Slots of a row in the variables' order: instrument (long), instrument x wave (wide).
        let wideSlots = instruments.flatMap { i in waves.map { w in (w, i) } }
        func has(_ block: Int, _ slots: [(Int, Int)]) -> Bool { slots.contains { table.submission(block: block, wave: $0.0, instrument: $0.1) != nil } }
        var participants: [Int32] = []
        for p in table.participants.indices {
            let b = Int(table.blockOf[p])
            if b >= 0, has(b, wideSlots) { participants.append(Int32(p)) }
        }
        var shown: [String]?
        if let deid {
            var names = Array(repeating: "", count: table.participants.count)
            var owner: [String: String] = [:]
            for p in participants {
                let id = table.participants[Int(p)]
                let ps = deid.pseudonym(for: id, study: data.study.id)
                if let other = owner[ps] { throw ExportError.pseudonymCollision(other, id) }
                owner[ps] = id
                names[Int(p)] = ps
            }
            participants.sort { names[Int($0)] < names[Int($1)] }
            shown = names
        }
        func role(_ p: Int32, _ block: Int, _ slots: [(Int, Int)]) -> String? {
            if let roster = data.bundle.rosterRole(of: table.participants[Int(p)]) { return roster }
            // When the records that name a role all name the same one, `RolePrecedence` gives
            // that one whatever their times: no time stamp need be read.
            var named: Int32 = -1
            for (w, i) in slots {
                guard let k = table.submission(block: block, wave: w, instrument: i) else { continue }
                let r = table.roleIndex(k)
                if r < 0 || r == named { continue }
                if named >= 0 { named = -2; break }
                named = r
            }
            if named == -1 { return nil }
            if named >= 0 { return table.roleNames[Int(named)] }
            let recs = slots.compactMap { table.submission(block: block, wave: $0.0, instrument: $0.1) }.map { (role: table.role($0), submittedAt: table.stamp($0)) }
            return RolePrecedence.role(roster: nil, records: recs)
        }
        let longSlots = waves.map { w in instruments.map { (w, $0) } }
        var rows: [ExportRow] = []
        rows.reserveCapacity(layout == .long ? participants.count * waves.count : participants.count)
        for p in participants {
            let b = Int(table.blockOf[Int(p)])
            switch layout {
            case .wide:
                rows.append(ExportRow(participant: p, wave: -1, role: role(p, b, wideSlots)))
            case .long:
                for (k, slots) in longSlots.enumerated() {
                    if has(b, slots) { rows.append(ExportRow(participant: p, wave: Int32(k), role: role(p, b, slots))) }
                }
            }
        }
        var versions: [String: [InstrumentVersion: Int]] = [:]
        let planInstruments = Set(instruments), planWaves = Set(waves)
        table.forEachTableSubmission { k, w, i in
            guard planInstruments.contains(i), planWaves.contains(w) else { return }
            versions[table.instruments[i].id, default: [:]][table.version(of: k), default: 0] += 1
        }
        return (rows, shown, versions)
    }
}
