import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

/// `--study DIR`, shared by every command.
struct StudyOptions: ParsableArguments {
    @Option(name: .long, help: "The study folder (default: the current directory).")
    var study: String = "."

    var directory: URL { URL(fileURLWithPath: study, isDirectory: true).standardizedFileURL }

    func loadBundle() throws -> StudyBundle { try StudyLoader.load(directory: directory) }

    /// Loads the study and its store, telling the user on stderr about set-aside duplicates and unreadable lines.
    func loadData(quiet: Bool = false) throws -> StudyData {
        let data = try StudyData.load(directory: directory)
        if !quiet { StudyOptions.reportStoreNotes(data) }
        return data
    }

    /// One line on stderr when the existing store can be read by group or others: it holds
    /// participants' answers (a store copied from git or made under a loose umask).
    static func warnIfStoreExposed(_ study: Study) {
        guard let mode = ResponseStore(url: study.storeURL).exposedPermissions else { return }
        let path = study.storeURL.path
        Output.err("warning: \(path) can be read by other users (mode \(OutputMode.describe(mode))) and holds participants' answers; make it private with `chmod 600 \(path)`.")
    }

    static func reportStoreNotes(_ data: StudyData) {
        warnIfStoreExposed(data.study)
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
