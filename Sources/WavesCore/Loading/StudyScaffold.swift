import Foundation

/// A new study folder (`waves init`): the given instruments, a starter study.yaml, an
/// empty roster and an empty, owner-only store, checked by loading it back.
public enum StudyScaffold {
    /// Why a study folder could not be made.
    public struct Failure: Error, LocalizedError, Equatable {
        public var message: String
        public var errorDescription: String? { message }
    }

    /// What was made.
    public struct Created: Sendable, Equatable {
        public var id: String
        /// Instrument file names, in study order.
        public var instruments: [String]
        /// Codebook file names copied into `codebooks/`, by name.
        public var codebooks: [String] = []
    }

    /// The shipped instruments in the order a study lists them; others follow by name.
    public static let preferredOrder = ["identity.yaml", "reflection.yaml", "ecosystem.yaml", "personhood.yaml", "diary.yaml"]

    /// Creates the study in `directory` (which must not exist or be empty) with the `.yaml`
    /// instruments of `instruments` and, when that folder exists, the `.yaml` codebooks of
    /// `codebooks`. `shownName` is how the user named the folder (messages).
    public static func create(at directory: URL, id: String? = nil, instruments source: URL, codebooks: URL? = nil,
                              shownName: String) throws -> Created {
        let fm = FileManager.default
        if fm.fileExists(atPath: directory.path) {
            let contents = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
            if !contents.isEmpty { throw Failure(message: "\(shownName) already exists and is not empty; choose a new folder") }
        }
        let files = try fm.contentsOfDirectory(atPath: source.path).filter { $0.hasSuffix(".yaml") }
            .sorted { (preferredOrder.firstIndex(of: $0) ?? 99, $0) < (preferredOrder.firstIndex(of: $1) ?? 99, $1) }
        guard !files.isEmpty else { throw Failure(message: "no instruments found in \(source.path)") }
        let store = Study.storeURL(in: directory)
        try fm.createDirectory(at: directory.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try fm.createDirectory(at: Study.draftsURL(in: directory), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: store.deletingLastPathComponent().path)
        for f in files {
            try fm.copyItem(at: source.appendingPathComponent(f), to: directory.appendingPathComponent("instruments/\(f)"))
        }
        let bookFiles = codebooks.map { ((try? fm.contentsOfDirectory(atPath: $0.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted() } ?? []
        if let books = codebooks, !bookFiles.isEmpty {
            try fm.createDirectory(at: directory.appendingPathComponent("codebooks"), withIntermediateDirectories: true)
            for f in bookFiles { try fm.copyItem(at: books.appendingPathComponent(f), to: directory.appendingPathComponent("codebooks/\(f)")) }
        }
        let studyID = id ?? defaultID(for: directory)
        try studyYAML(id: studyID, files: files).write(to: directory.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        try "participant,role\n".write(to: directory.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        // An empty store, owner-only (responses are personal data).
        fm.createFile(atPath: store.path, contents: Data(), attributes: [.posixPermissions: 0o600])
        // Check that what was written loads.
        _ = try StudyLoader.load(folders: StudyFolders(study: directory))
        return Created(id: studyID, instruments: files, codebooks: bookFiles)
    }

    /// The folder's name in lower case with anything but `a-z0-9-` replaced by `-`.
    public static func defaultID(for directory: URL) -> String {
        directory.lastPathComponent.lowercased().replacingOccurrences(of: "[^a-z0-9-]", with: "-", options: .regularExpression)
    }

    /// A starter study.yaml: three waves, two roles, every instrument (the diary from w2).
    public static func studyYAML(id: String, files: [String]) -> String {
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
