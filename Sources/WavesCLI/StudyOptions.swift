import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `--study DIR`, shared by every command.
struct StudyOptions: ParsableArguments {
    @Option(name: .long, help: "The study folder (default: the current directory).")
    var study: String = "."

    var directory: URL { URL(fileURLWithPath: study, isDirectory: true).standardizedFileURL }

    /// The study folder and the shared instruments folder (`WAVES_SHARED_INSTRUMENTS`).
    var folders: StudyFolders { StudyFolders.fromEnvironment(study: directory) }

    func loadBundle() throws -> StudyBundle { try StudyLoader.load(folders: folders) }

    /// Loads the study and its store, telling the user on stderr about set-aside duplicates and unreadable lines.
    func loadData(quiet: Bool = false) throws -> StudyData {
        let data = try StudyData.load(directory: directory)
        if !quiet { StudyOptions.reportStoreNotes(data) }
        return data
    }

    /// The one note line about stored answers that their item's rules reject (set aside as missing).
    static func reportSetAside(_ answers: [SetAsideAnswer]) {
        if let note = SetAsideAnswer.note(Array(Set(answers))) { Output.err("note: " + note) }
    }

    static func reportStoreNotes(_ data: StudyData) {
        if !data.duplicates.isEmpty {
            Output.err("note: \(data.duplicates.count) participant/wave/instrument combination(s) were submitted more than once; the latest submission is used (see `waves validate`).")
        }
        if !data.problems.isEmpty {
            Output.err("note: \(data.problems.count) store line(s) could not be read and were skipped (see `waves validate`).")
        }
    }
}

/// Encodes results as one JSON document (contract key names, sorted for stable output, no NaN).
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .throw
        let data = try enc.encode(value)
        Output.out(String(decoding: data, as: UTF8.self))
    }
}
