import ArgumentParser
import Foundation
import WavesCoding
import WavesCore
import WavesStore

/// `waves validate`: study, instruments, roster and every store line (`StudyValidation`).
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate",
        abstract: "Check the study, its instruments, the roster and every line of the store.")

    @OptionGroup var options: StudyOptions

    func run() throws {
        // Codebooks and coders' files (qualitative coding, docs/coding.md) are checked after the store.
        let v = try StudyValidation.run(folders: options.folders) { bundle in
            CodingValidation.followUp(studyDirectory: bundle.study.directory)
        }
        for m in v.messages { Output.err(m) }
        for s in v.summary { Output.out(s) }
        if v.failed { throw ExitCode(1) }
    }
}
