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
        let url = URL(fileURLWithPath: csv)
        guard let data = try? Data(contentsOf: url) else { throw CLIFailure("cannot read \(csv)") }
        if let bad = UTF8Text.firstInvalid(data) {
            throw ImportError(file: csv, problems: [ImportProblem(line: bad.line, message: bad.message)])
        }
        let text = String(decoding: data, as: UTF8.self)
        let records = try LongCSVImporter.records(csv: text, file: csv, bundle: bundle, instrument: inst, wave: wave)
        let store = ResponseStore(url: bundle.study.storeURL)
        // One pass over the store: which participants already submitted this instrument at which wave.
        var existing = Set<String>()
        try store.scan { r, _ in if r.instrument.id == inst.id { existing.insert(r.participant + "\u{1}" + r.wave) } }
        let newDups = records.filter { existing.contains($0.participant + "\u{1}" + $0.wave) }.count
        try store.append(records)
        Output.out("Imported \(records.count) response(s) for '\(inst.id)' into data/responses.jsonl.")
        if newDups > 0 { Output.err("note: \(newDups) of them repeat an earlier submission; both are kept and the latest is used (see `waves validate`).") }
    }
}
