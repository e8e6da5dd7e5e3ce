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
        // The shipped codebooks (qualitative coding, docs/coding.md) live beside the instruments.
        let books = source.deletingLastPathComponent().appendingPathComponent("codebooks")
        let created = try StudyScaffold.create(at: dir, id: id, instruments: source, codebooks: books, shownName: directory)
        let studyID = created.id, files = created.instruments, bookFiles = created.codebooks
        Output.out("""
        Created study '\(studyID)' in \(dir.path)
          study.yaml        3 waves (w1 baseline, w2 mid, w3 end), roles mentee and peer-mentor
          instruments/      \(files.joined(separator: ", "))
          roster.csv        add one line per participant: participant,role\(bookFiles.isEmpty ? "" : "\n  codebooks/        " + bookFiles.joined(separator: ", ") + " (for `waves code`)")
          data/             the response store (readable by you only)
        Next: add participants to roster.csv, then `waves take --study \(directory) --participant P001 --wave w1`.
        """)
    }
}

/// Finds the instruments shipped with Waves.
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
}
