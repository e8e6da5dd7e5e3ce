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
///
/// Every file the study names (study.yaml itself, instruments, the roster) is reached
/// through `StudyPath`, so none can lie outside the study folder (or, for instruments,
/// the shared instruments folder) or be reached through a symbolic link.
public enum StudyLoader {
    public static let format = "waves.study/1"

    /// Loads the study in `directory`, with the shared instruments folder from the environment.
    public static func load(directory: URL) throws -> StudyBundle {
        try load(folders: StudyFolders.fromEnvironment(study: directory))
    }

    public static func load(folders: StudyFolders) throws -> StudyBundle {
        let directory = folders.study
        let file = "study.yaml"
        let data: Data
        do { data = try StudyPath.read(file, kind: .study, in: folders) } catch {
            if error.reason == .missing {
                throw LoadError(file: directory.appendingPathComponent(file).path,
                                "no study here: \(directory.path) has no study.yaml (create one with `waves init DIR`, or pass --study DIR)")
            }
            throw LoadError(file: file, error.description)
        }
        let text = try UTF8Text.decode(data, file: file)
        var r = YAMLReader(file: file)
        guard let root = r.compose(text), let top = r.mapping(root, "a study") else { throw LoadError(r.problems) }
        guard InstrumentLoader.checkFormat(top, root: root, expected: format, reader: &r) else { throw LoadError(r.problems) }
        var f: [String: Node] = [:]
        for m in top {
            f[m.key] = m.value
            if !["format", "id", "title", "roles", "waves", "instruments", "roster", "description"].contains(m.key) {
                r.warning(m.keyNode, "\(YAMLReader.unknownKey(m.key)) (ignored)")
            }
        }
        let id = f["id"].flatMap { r.string($0, "id") } ?? { r.error(root, "missing 'id'"); return "" }()
        let title = f["title"].flatMap { r.string($0, "title") } ?? id
        let roles = parseRoles(f["roles"], root: root, reader: &r)
        let waves = parseWaves(f["waves"], root: root, reader: &r)
        let entries = parseInstrumentEntries(f["instruments"], root: root, waves: waves, reader: &r)
        let rosterPath = f["roster"].flatMap { r.string($0, "roster") }

        var problems = r.problems
        let instruments = loadInstruments(entries, folders: folders, problems: &problems)
        var roster: Roster?
        if let rp = rosterPath {
            roster = loadRoster(rp, node: f["roster"], roles: roles, folders: folders, problems: &problems)
        }
        if problems.contains(where: { $0.severity == .error }) { throw LoadError(problems) }
        let study = Study(id: id, title: title, roles: roles, waves: waves, instruments: entries.map(\.0), roster: rosterPath, directory: directory)
        return StudyBundle(study: study, instruments: instruments, roster: roster, warnings: problems)
    }

    static func parseRoles(_ node: Node?, root: Node, reader r: inout YAMLReader) -> [String] {
        var roles: [String] = []
        guard let rn = node else { r.error(root, "missing 'roles' (for example [mentee, peer-mentor])"); return roles }
        guard let list = r.sequence(rn, "roles") else { return roles }
        for n in list { if let s = r.string(n, "a role") { if roles.contains(s) { r.error(n, "role '\(s)' is listed twice") } else { roles.append(s) } } }
        if roles.isEmpty { r.error(rn, "roles must list at least one role") }
        return roles
    }

    static func parseWaves(_ node: Node?, root: Node, reader r: inout YAMLReader) -> [Wave] {
        var waves: [Wave] = []
        guard let wn = node else { r.error(root, "missing 'waves'"); return waves }
        guard let list = r.sequence(wn, "waves") else { return waves }
        for (i, n) in list.enumerated() {
            guard let ms = r.mapping(n, "a wave ({id: w1, label: Baseline, time: 0})") else { continue }
            var wid: String?, label: String?, time: Double?
            for m in ms {
                switch m.key {
                case "id": wid = r.string(m.value, "wave id")
                case "label": label = r.string(m.value, "wave label")
                case "time": time = r.number(m.value, "wave time")
                default: r.warning(m.keyNode, "\(YAMLReader.unknownKey(m.key)) in a wave (ignored)")
                }
            }
            guard let w = wid else { r.error(n, "a wave has no 'id'"); continue }
            if waves.contains(where: { $0.id == w }) { r.error(n, "wave '\(w)' is listed twice"); continue }
            if let t = time, let prev = waves.last, t <= prev.time {
                r.error(n, "wave '\(w)' has time \(JSONWriter.number(t)), not after the previous wave's \(JSONWriter.number(prev.time)) (waves are listed in time order)")
            }
            waves.append(Wave(id: w, label: label ?? w, time: time ?? Double(i)))
        }
        if waves.isEmpty { r.error(wn, "waves must list at least one wave") }
        return waves
    }

    /// Instrument entries: `path: instruments/x.yaml` (in the study folder) or `shared: x.yaml`
    /// (in the shared instruments folder, kept as the path `shared:x.yaml`), each with optional `waves`.
    static func parseInstrumentEntries(_ node: Node?, root: Node, waves: [Wave], reader r: inout YAMLReader) -> [(StudyInstrument, Node)] {
        var entries: [(StudyInstrument, Node)] = []
        guard let inode = node else { r.error(root, "missing 'instruments'"); return entries }
        guard let list = r.sequence(inode, "instruments") else { return entries }
        for n in list {
            guard let ms = r.mapping(n, "an instrument entry ({path: instruments/x.yaml})") else { continue }
            var path: String?, shared: String?, ws: [String]?
            for m in ms {
                switch m.key {
                case "path": path = r.string(m.value, "path")
                case "shared": shared = r.string(m.value, "shared")
                case "waves":
                    if let l = r.sequence(m.value, "waves") {
                        ws = []
                        for wn in l {
                            guard let w = r.string(wn, "a wave id") else { continue }
                            if !waves.contains(where: { $0.id == w }) { r.error(wn, "unknown wave '\(w)' (study waves: \(waves.map(\.id).joined(separator: ", ")))") }
                            ws!.append(w)
                        }
                    }
                default: r.warning(m.keyNode, "\(YAMLReader.unknownKey(m.key)) in an instrument entry (ignored)")
                }
            }
            if path != nil && shared != nil { r.error(n, "an instrument entry has both 'path' and 'shared'; give one"); continue }
            guard let p = path ?? shared.map({ StudyPath.sharedPrefix + $0 }) else { r.error(n, "an instrument entry has no 'path'"); continue }
            entries.append((StudyInstrument(path: p, waves: ws), n))
        }
        return entries
    }

    static func loadInstruments(_ entries: [(StudyInstrument, Node)], folders: StudyFolders, problems: inout [Problem]) -> [Instrument] {
        var instruments: [Instrument] = []
        for (si, node) in entries {
            let data: Data
            do { data = try StudyPath.read(si.path, kind: .instrument, in: folders) } catch {
                problems.append(Problem(file: "study.yaml", line: node.mark?.line, column: node.mark?.column, message: error.description))
                continue
            }
            do {
                let (inst, warnings) = try InstrumentLoader.loadWithWarnings(data: data, displayPath: si.path)
                problems += warnings
                if let other = instruments.first(where: { $0.id == inst.id }) {
                    problems.append(Problem(file: "study.yaml", line: node.mark?.line, column: node.mark?.column,
                                            message: "instrument id '\(inst.id)' of \(si.path) is also used by \(other.path)"))
                    continue
                }
                instruments.append(inst)
            } catch let e as LoadError {
                problems += e.problems
            } catch {}
        }
        return instruments
    }

    static func loadRoster(_ path: String, node: Node?, roles: [String], folders: StudyFolders, problems: inout [Problem]) -> Roster? {
        do {
            let data = try StudyPath.read(path, kind: .roster, in: folders)
            let text = try UTF8Text.decode(data, file: path)
            return try Roster.parse(text, file: path, roles: roles)
        } catch let e as StudyPathError {
            problems.append(Problem(file: "study.yaml", line: node?.mark?.line, column: node?.mark?.column,
                                    message: e.reason == .missing ? "roster file '\(SafeText.line(path))' does not exist" : e.description))
        } catch let e as LoadError {
            problems += e.problems
        } catch {}
        return nil
    }
}
