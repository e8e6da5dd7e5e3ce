import ArgumentParser
import Foundation
import WavesCore
import WavesStore

/// `waves import`: a long CSV into the store; every row lands or none.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import",
        abstract: "Import a long CSV (participant,wave,role,<item ids…>) into the store, all rows or none.")

    @OptionGroup var options: StudyOptions
    @Option(help: "The instrument the CSV's item columns belong to.") var instrument: String
    @Option(help: "The CSV file.") var csv: String
    @Option(help: "The wave of every row, when the CSV has no wave column.") var wave: String?

    func run() throws {
        let bundle = try options.loadBundle()
        guard let inst = bundle.instrument(instrument) else {
            throw CLIFailure("no instrument '\(instrument)' in this study (instruments: \(bundle.instruments.map(\.id).joined(separator: ", ")))")
        }
        // The file is read a slice at a time (checked as UTF-8 first, then row by row), never whole.
        let outcome: StreamingImport.Outcome
        do {
            outcome = try StreamingImport.run(path: csv, bundle: bundle, instrument: inst, wave: wave,
                                              store: ResponseStore(url: bundle.study.storeURL))
        } catch StoreError.file(let e) where e.path == csv { throw CLIFailure("cannot read \(csv)") }
        let newDups = outcome.repeated
        Output.out("Imported \(outcome.records) response(s) for '\(inst.id)' into data/responses.jsonl.")
        if newDups > 0 { Output.err("note: \(newDups) of them repeat an earlier submission; both are kept and the latest is used (see `waves validate`).") }
    }
}
