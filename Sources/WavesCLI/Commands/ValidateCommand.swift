import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCoding
import WavesCore
import WavesStore

/// `waves validate`: study, instruments, roster and every store line.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate",
        abstract: "Check the study, its instruments, the roster and every line of the store.")

    @OptionGroup var options: StudyOptions

    func run() throws {
        let bundle: StudyBundle
        do { bundle = try options.loadBundle() } catch let e as LoadError {
            for p in e.problems { Output.err(p.description) }
            let n = e.problems.filter { $0.severity == .error }.count
            Output.err("\(n) error(s) in the study definition; nothing else was checked.")
            throw ExitCode(1)
        }
        for w in bundle.warnings { Output.err(w.description) }
        let store = ResponseStore(url: bundle.study.storeURL)
        var errors = 0, warnings = bundle.warnings.count
        var records: [StoredRecord] = []
        let problems = try store.scan { r, line in records.append(StoredRecord(record: r, line: line)) }
        for p in problems { Output.err(p.description); errors += 1 }
        for s in records {
            let (es, ws) = RecordValidator.check(s.record, bundle: bundle)
            for e in es { Output.err("data/responses.jsonl:\(s.line): \(e)"); errors += 1 }
            for w in ws { Output.err("data/responses.jsonl:\(s.line): warning: \(w)"); warnings += 1 }
        }
        let contents = StoreContents(records: records, problems: problems)
        let dups = contents.latest().duplicates
        for d in dups { Output.err("data/responses.jsonl: warning: duplicate submission: \(d)"); warnings += 1 }
        // Codebooks and coders' files (qualitative coding, docs/coding.md).
        for p in CodingValidation.check(StudyData(bundle: bundle, contents: contents)) {
            Output.err(SafeText.line(p.description))
            if p.severity == .error { errors += 1 } else { warnings += 1 }
        }
        let participants = Set(records.map(\.record.participant)).count
        Output.out("study '\(bundle.study.id)': \(bundle.instruments.count) instrument(s), \(bundle.study.waves.count) wave(s), "
            + "\(bundle.roster?.entries.count ?? 0) in the roster; store: \(records.count + problems.count) line(s), "
            + "\(records.count) record(s) from \(participants) participant(s), \(dups.count) duplicate(s)")
        Output.out(errors == 0 ? "OK: no errors, \(warnings) warning(s)" : "\(errors) error(s), \(warnings) warning(s)")
        if errors > 0 { throw ExitCode(1) }
    }
}
