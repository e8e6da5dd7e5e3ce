import ArgumentParser
import Foundation
import WavesCore
import WavesStore

/// `waves instruments`: the instrument versions the store used (spec cli.md).
struct InstrumentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "instruments",
        abstract: "Instrument versions used by the store and what changed between them.",
        subcommands: [InstrumentsDiffCommand.self])
}

/// `waves instruments diff [--instrument I]`: per instrument, the versions the store used (by
/// hash, kept under data/instruments/), their waves and record counts, and what changed
/// between consecutive versions, in words (`InstrumentDiff`).
struct InstrumentsDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "diff",
        abstract: "List each instrument's versions in use (waves, records) and what changed between them.")

    @OptionGroup var options: StudyOptions
    @Option(help: "Only this instrument.") var instrument: String?
    @Flag(help: "JSON output.") var json = false

    struct JSONVersion: Encodable {
        var sha256: String, version: String, waves: [String], records: Int, current: Bool, kept: Bool
        var problem: String?
    }
    struct JSONChange: Encodable { var kind: String; var scales: [String]; var text: String }
    struct JSONStep: Encodable { var from: String; var to: String; var changes: [JSONChange]?; var problem: String? }
    struct JSONEntry: Encodable { var instrument: String; var versions: [JSONVersion]; var steps: [JSONStep] }
    struct JSONResult: Encodable { var instruments: [JSONEntry] }

    func run() throws {
        let bundle = try options.loadBundle()
        if let i = instrument, bundle.instrument(i) == nil {
            throw CLIFailure("unknown instrument '\(SafeText.line(i))' (study instruments: \(bundle.instruments.map(\.id).joined(separator: ", ")))")
        }
        let versions = try Self.versions(bundle)
        let entries = versions.entries.filter { instrument == nil || $0.instrument == instrument }
        if json { try JSONOutput.print(JSONResult(instruments: entries.map(Self.json))); return }
        for (n, e) in entries.enumerated() {
            if n > 0 { Output.out("") }
            Output.out("instrument \(e.instrument): \(e.versions.filter { $0.records > 0 }.count) version(s) in the store")
            for v in e.versions { Output.out("  " + Self.describe(v)) }
            for (i, step) in e.steps.enumerated() {
                let a = e.versions[i], b = e.versions[i + 1]
                Output.out("  \(Self.short(a)) -> \(Self.short(b)):")
                guard let changes = step else { Output.out("    cannot compare: a version is not kept"); continue }
                if changes.isEmpty { Output.out("    no change in content (the files differ only in layout or comments)") }
                for c in changes {
                    let scales = c.scales.isEmpty ? "" : " (scale\(c.scales.count == 1 ? "" : "s") \(c.scales.map(SafeText.line).joined(separator: ", ")))"
                    Output.out("    \(c.kind.rawValue): \(c.text)\(scales)")
                }
            }
        }
        Output.out("\nscoring: changes what is stored or how it is scored; wording: what participants read; other: neither.")
    }

    /// Every submission counts here (not only the latest per participant): each was made with a
    /// version. The store is streamed through the columnar path (instrument, version, hash, wave
    /// and time of each line, tallied as they come); no record is kept.
    static func versions(_ bundle: StudyBundle) throws -> InstrumentVersions {
        let store = ResponseStore(url: bundle.study.storeURL)
        var tally = InstrumentVersions.Tally()
        try store.scanColumns(ColumnRequest(versions: true)) { row, _ in
            tally.add(InstrumentVersions.Use(instrument: row.instrument, version: row.instrumentVersion, sha256: row.instrumentHash,
                                             wave: row.wave, submittedAt: row.submittedAt))
        }
        return try tally.build(bundle: bundle, archive: InstrumentArchive(store: store))
    }

    static func short(_ v: InstrumentVersions.Version) -> String { "\(SafeText.line(v.version)) (\(v.sha256.prefix(12)))" }

    static func describe(_ v: InstrumentVersions.Version) -> String {
        var parts = ["version \(short(v))"]
        if v.isCurrent { parts.append("the current file") }
        parts.append(v.records == 0 ? "no records" : "\(v.records) record(s) at wave(s) \(v.waves.map(SafeText.line).joined(separator: ", "))")
        if case .failure(let p) = v.instrument { parts.append(p.message) }
        return parts.joined(separator: "; ")
    }

    static func json(_ e: InstrumentVersions.Entry) -> JSONEntry {
        let versions = e.versions.map { v -> JSONVersion in
            var problem: String?
            if case .failure(let p) = v.instrument { problem = p.message }
            return JSONVersion(sha256: v.sha256, version: v.version, waves: v.waves, records: v.records, current: v.isCurrent,
                               kept: problem == nil, problem: problem)
        }
        let steps = e.steps.enumerated().map { i, s in
            JSONStep(from: e.versions[i].sha256, to: e.versions[i + 1].sha256,
                     changes: s?.map { JSONChange(kind: $0.kind.rawValue, scales: $0.scales, text: $0.text) },
                     problem: s == nil ? "a version is not kept" : nil)
        }
        return JSONEntry(instrument: e.instrument, versions: versions, steps: steps)
    }
}
