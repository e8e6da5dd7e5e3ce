import ArgumentParser
import Foundation
import WavesCore

/// `waves init DIR`: a ready study folder with the shipped instruments.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init",
        abstract: "Create a new study folder with the shipped instruments, a study.yaml and an empty store.")

    @Argument(help: "The folder to create (must not exist or be empty).")
    var directory: String

    @Option(help: "Study id for study.yaml.")
    var id: String?

    func run() throws {
        let dir = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        let fm = FileManager.default
        if fm.fileExists(atPath: dir.path) {
            let contents = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            if !contents.isEmpty { throw CLIFailure("\(directory) already exists and is not empty; choose a new folder") }
        }
        guard let source = ShippedInstruments.directory() else {
            throw CLIFailure("cannot find the shipped instruments folder; set WAVES_INSTRUMENTS to the 'instruments' folder of the Waves source tree")
        }
        let preferred = ["identity.yaml", "reflection.yaml", "ecosystem.yaml", "personhood.yaml", "diary.yaml"]
        let files = try fm.contentsOfDirectory(atPath: source.path).filter { $0.hasSuffix(".yaml") }
            .sorted { (preferred.firstIndex(of: $0) ?? 99, $0) < (preferred.firstIndex(of: $1) ?? 99, $1) }
        guard !files.isEmpty else { throw CLIFailure("no instruments found in \(source.path)") }
        try fm.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("data/drafts"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.appendingPathComponent("data").path)
        for f in files {
            try fm.copyItem(at: source.appendingPathComponent(f), to: dir.appendingPathComponent("instruments/\(f)"))
        }
        let studyID = id ?? dir.lastPathComponent.lowercased().replacingOccurrences(of: "[^a-z0-9-]", with: "-", options: .regularExpression)
        try ShippedInstruments.studyYAML(id: studyID, files: files).write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        try "participant,role\n".write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        // Message templates and a sample consent text the evaluator edits (docs/collection.md).
        let templates = ShippedTemplates.directory().map { src in
            ((try? fm.contentsOfDirectory(atPath: src.path)) ?? []).filter { $0.hasSuffix(".txt") || $0.hasSuffix(".md") }.sorted().map { (src, $0) }
        } ?? []
        if !templates.isEmpty { try fm.createDirectory(at: dir.appendingPathComponent("templates"), withIntermediateDirectories: true) }
        for (src, f) in templates { try fm.copyItem(at: src.appendingPathComponent(f), to: dir.appendingPathComponent("templates/\(f)")) }
        // An empty store, owner-only (responses are personal data).
        let store = dir.appendingPathComponent("data/responses.jsonl")
        fm.createFile(atPath: store.path, contents: Data(), attributes: [.posixPermissions: 0o600])
        // Check that what was written loads.
        _ = try StudyLoader.load(directory: dir)
        Output.out("""
        Created study '\(studyID)' in \(dir.path)
          study.yaml        3 waves (w1 baseline, w2 mid, w3 end), roles mentee and peer-mentor
          instruments/      \(files.joined(separator: ", "))
          roster.csv        add one line per participant: participant,role (optional columns: email, name, status)
          templates/        \(templates.isEmpty ? "(no shipped templates found)" : templates.map(\.1).joined(separator: ", "))
          data/             the response store (readable by you only)
        Next: add participants to roster.csv, then `waves take --study \(directory) --participant P001 --wave w1`.
        """)
    }
}

/// Finds the instruments shipped with Waves and writes a starter study.yaml.
enum ShippedInstruments {
    /// `$WAVES_INSTRUMENTS`, else `instruments/` of the source tree the binary was built in, else /usr/local/share/waves/instruments.
    static func directory() -> URL? {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["WAVES_INSTRUMENTS"] { candidates.append(URL(fileURLWithPath: env)) }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("instruments"))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: "/usr/local/share/waves/instruments"))
        let fm = FileManager.default
        return candidates.first { c in
            fm.fileExists(atPath: c.appendingPathComponent("identity.yaml").path)
        }
    }

    static func studyYAML(id: String, files: [String]) -> String {
        var s = """
        format: waves.study/1
        id: \(id)
        title: Peer mentoring programme
        roles: [mentee, peer-mentor]      # the first role is the reference level
        waves:                            # in time order; the first is the baseline
          - {id: w1, label: Baseline, time: 0}
          - {id: w2, label: Mid-programme, time: 6}
          - {id: w3, label: End of programme, time: 12}
        instruments:

        """
        for f in files {
            s += "  - path: instruments/\(f)\n"
            if f == "diary.yaml" { s += "    waves: [w2, w3]\n" }
        }
        s += "roster: roster.csv\n"
        return s
    }
}
