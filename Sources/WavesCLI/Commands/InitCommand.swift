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
        guard let source = ShippedInstruments.directory() else {
            throw CLIFailure("cannot find the shipped instruments folder; set WAVES_INSTRUMENTS to the 'instruments' folder of the Waves source tree")
        }
        let created = try StudyScaffold.create(at: dir, id: id, instruments: source,
                                               codebooks: ShippedInstruments.codebooks(besides: source), shownName: directory)
        let studyID = created.id, files = created.instruments, bookFiles = created.codebooks
        // Message templates and a sample consent text the evaluator edits (docs/collection.md).
        let fm = FileManager.default
        let templates = ShippedTemplates.directory().map { src in
            ((try? fm.contentsOfDirectory(atPath: src.path)) ?? []).filter { $0.hasSuffix(".txt") || $0.hasSuffix(".md") }.sorted().map { (src, $0) }
        } ?? []
        if !templates.isEmpty { try fm.createDirectory(at: dir.appendingPathComponent("templates"), withIntermediateDirectories: true) }
        for (src, f) in templates { try fm.copyItem(at: src.appendingPathComponent(f), to: dir.appendingPathComponent("templates/\(f)")) }
        Output.out("""
        Created study '\(studyID)' in \(dir.path)
          study.yaml        3 waves (w1 baseline, w2 mid, w3 end), roles mentee and peer-mentor
          instruments/      \(files.joined(separator: ", "))
          roster.csv        add one line per participant: participant,role (optional columns: email, name, status)\(bookFiles.isEmpty ? "" : "\n  codebooks/        " + bookFiles.joined(separator: ", ") + " (for `waves code`)")
          templates/        \(templates.isEmpty ? "(no shipped templates found)" : templates.map(\.1).joined(separator: ", "))
          data/             the response store (readable by you only)
        Next: add participants to roster.csv, then `waves take --study \(directory) --participant P001 --wave w1`.
        """)
    }
}
