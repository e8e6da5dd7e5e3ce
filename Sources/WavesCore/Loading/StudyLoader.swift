import Foundation
import Yams

/// A loaded study: study.yaml, its instruments (in study order) and the roster.
public struct StudyBundle: Sendable {
    public var study: Study
    public var instruments: [Instrument]
    public var roster: Roster?
    /// Warnings found while loading (errors throw instead).
    public var warnings: [Problem]

    public init(study: Study, instruments: [Instrument], roster: Roster?, warnings: [Problem] = []) {
        self.study = study; self.instruments = instruments; self.roster = roster; self.warnings = warnings
    }

    public func instrument(_ id: String) -> Instrument? { instruments.first { $0.id == id } }

    /// Instruments given at a wave, in study order.
    public func instruments(at wave: String) -> [Instrument] {
        study.instruments(at: wave).compactMap { si in instruments.first { $0.path == si.path } }
    }

    /// Waves at which an instrument is given.
    public func waves(of instrument: Instrument) -> [Wave] {
        guard let si = study.instruments.first(where: { $0.path == instrument.path }) else { return study.waves }
        guard let ws = si.waves else { return study.waves }
        return study.waves.filter { ws.contains($0.id) }
    }

    /// The role of a participant from the roster, if there is one.
    public func rosterRole(of participant: String) -> String? { roster?.role(of: participant) }
}

/// Loads a study folder, reporting every problem in every file at once.
public enum StudyLoader {
    public static let format = "waves.study/1"

    public static func load(directory: URL) throws -> StudyBundle {
        let file = "study.yaml"
        let url = directory.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw LoadError(file: url.path, "no study here: \(directory.path) has no study.yaml (create one with `waves init DIR`, or pass --study DIR)")
        }
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else {
            throw LoadError(file: file, "cannot read study.yaml as UTF-8 text")
        }
        var r = YAMLReader(file: file)
        guard let root = r.compose(text), let top = r.mapping(root, "a study") else { throw LoadError(r.problems) }
        var f: [String: Node] = [:]
        for m in top {
            f[m.key] = m.value
            if !["format", "id", "title", "roles", "waves", "instruments", "roster", "description", "timezone", "consent"].contains(m.key) {
                r.warning(m.keyNode, "unknown key '\(m.key)' (ignored)")
            }
        }
        if let fn = f["format"] {
            if let s = r.string(fn, "format"), s != format { r.error(fn, "unknown format '\(s)' (expected \(format))"); throw LoadError(r.problems) }
        } else { r.error(root, "missing 'format: \(format)'"); throw LoadError(r.problems) }
        let id = f["id"].flatMap { r.string($0, "id") } ?? { r.error(root, "missing 'id'"); return "" }()
        let title = f["title"].flatMap { r.string($0, "title") } ?? id
        var roles: [String] = []
        if let rn = f["roles"], let list = r.sequence(rn, "roles") {
            for n in list { if let s = r.string(n, "a role") { if roles.contains(s) { r.error(n, "role '\(s)' is listed twice") } else { roles.append(s) } } }
            if roles.isEmpty { r.error(rn, "roles must list at least one role") }
        } else if f["roles"] == nil { r.error(root, "missing 'roles' (for example [mentee, peer-mentor])") }
        var waves: [Wave] = []
        if let wn = f["waves"], let list = r.sequence(wn, "waves") {
            for (i, n) in list.enumerated() {
                guard let ms = r.mapping(n, "a wave ({id: w1, label: Baseline, time: 0})") else { continue }
                var wid: String?, label: String?, time: Double?
                var window = WindowNodes()
                for m in ms {
                    switch m.key {
                    case "id": wid = r.string(m.value, "wave id")
                    case "label": label = r.string(m.value, "wave label")
                    case "time": time = r.number(m.value, "wave time")
                    case "opens": window.opens = m.value
                    case "closes": window.closes = m.value
                    default: r.warning(m.keyNode, "unknown key '\(m.key)' in a wave (ignored)")
                    }
                }
                guard let w = wid else { r.error(n, "a wave has no 'id'"); continue }
                if waves.contains(where: { $0.id == w }) { r.error(n, "wave '\(w)' is listed twice"); continue }
                if let t = time, let prev = waves.last, t <= prev.time {
                    r.error(n, "wave '\(w)' has time \(JSONWriter.number(t)), not after the previous wave's \(JSONWriter.number(prev.time)) (waves are listed in time order)")
                }
                let (opens, closes) = window.read(&r, wave: w)
                waves.append(Wave(id: w, label: label ?? w, time: time ?? Double(i), opens: opens, closes: closes))
            }
            if waves.isEmpty { r.error(wn, "waves must list at least one wave") }
        } else if f["waves"] == nil { r.error(root, "missing 'waves'") }
        var entries: [(StudyInstrument, Node)] = []
        if let inode = f["instruments"], let list = r.sequence(inode, "instruments") {
            for n in list {
                guard let ms = r.mapping(n, "an instrument entry ({path: instruments/x.yaml})") else { continue }
                var path: String?, ws: [String]?
                for m in ms {
                    switch m.key {
                    case "path": path = r.string(m.value, "path")
                    case "waves":
                        if let l = r.sequence(m.value, "waves") {
                            ws = []
                            for wn in l {
                                guard let w = r.string(wn, "a wave id") else { continue }
                                if !waves.contains(where: { $0.id == w }) { r.error(wn, "unknown wave '\(w)' (study waves: \(waves.map(\.id).joined(separator: ", ")))") }
                                ws!.append(w)
                            }
                        }
                    default: r.warning(m.keyNode, "unknown key '\(m.key)' in an instrument entry (ignored)")
                    }
                }
                guard let p = path else { r.error(n, "an instrument entry has no 'path'"); continue }
                entries.append((StudyInstrument(path: p, waves: ws), n))
            }
        } else if f["instruments"] == nil { r.error(root, "missing 'instruments'") }
        let rosterPath = f["roster"].flatMap { r.string($0, "roster") }
        let timezone = readTimezone(f["timezone"], &r)
        let consentPath = readConsent(f["consent"], directory: directory, &r)

        var problems = r.problems
        var instruments: [Instrument] = []
        for (si, node) in entries {
            let iurl = directory.appendingPathComponent(si.path)
            guard FileManager.default.fileExists(atPath: iurl.path) else {
                problems.append(Problem(file: file, line: node.mark?.line, column: node.mark?.column, message: "instrument file '\(si.path)' does not exist"))
                continue
            }
            do {
                let inst = try InstrumentLoader.load(url: iurl, displayPath: si.path)
                if let other = instruments.first(where: { $0.id == inst.id }) {
                    problems.append(Problem(file: file, line: node.mark?.line, column: node.mark?.column,
                                            message: "instrument id '\(inst.id)' of \(si.path) is also used by \(other.path)"))
                    continue
                }
                instruments.append(inst)
            } catch let e as LoadError {
                problems += e.problems
            }
        }
        var roster: Roster?
        if let rp = rosterPath {
            let rurl = directory.appendingPathComponent(rp)
            if let rdata = try? Data(contentsOf: rurl) {
                if let rtext = String(data: rdata, encoding: .utf8) {
                    do { roster = try Roster.parse(rtext, file: rp, roles: roles) } catch let e as LoadError { problems += e.problems }
                } else { problems.append(Problem(file: rp, message: "the roster is not valid UTF-8 text")) }
            } else {
                problems.append(Problem(file: file, line: f["roster"]?.mark?.line, column: f["roster"]?.mark?.column, message: "roster file '\(rp)' does not exist"))
            }
        }
        if problems.contains(where: { $0.severity == .error }) { throw LoadError(problems) }
        let study = Study(id: id, title: title, roles: roles, waves: waves, instruments: entries.map(\.0), roster: rosterPath, directory: directory,
                          timezone: timezone, consent: consentPath)
        return StudyBundle(study: study, instruments: instruments, roster: roster, warnings: problems)
    }
}
