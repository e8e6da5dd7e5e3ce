import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

/// `waves quality`: speeding, long strings, straight-lining and the missing rate per
/// submission (`DataQuality`; rules, defaults and sources in docs/integrity.md).
struct QualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "quality",
        abstract: "Flag careless responding per submission: speeding, long strings, straight-lining, missing rate.")

    @OptionGroup var options: StudyOptions
    @Option(help: "Only this wave.") var wave: String?
    @Option(name: .customLong("speed-fraction"), help: "Speeding: a duration below this fraction of the median of its instrument and wave (default 0.5).")
    var speedFraction: Double = 0.5
    @Option(name: .customLong("block-min"), help: "Straight-lining: at least this many consecutive likert items on one response set, all the same answer (default 4).")
    var blockMin: Int = 4
    @Option(name: .customLong("min-for-median"), help: "Speeding is judged only when at least this many submissions of the instrument and wave carry a duration (default 5).")
    var minForMedian: Int = 5
    @Flag(help: "JSON output.") var json = false

    struct Result: Encodable {
        struct Rules: Encodable { var speed_fraction: Double; var block_min: Int; var min_for_median: Int }
        var rules: Rules
        var submissions: [DataQuality.Submission]
        var flagged: Int
    }

    func validate() throws {
        guard speedFraction.isFinite, speedFraction > 0, speedFraction <= 1 else { throw ValidationError("--speed-fraction must be above 0 and at most 1") }
        guard blockMin >= 2 else { throw ValidationError("--block-min must be 2 or more") }
        guard minForMedian >= 1 else { throw ValidationError("--min-for-median must be 1 or more") }
    }

    func run() throws {
        let q = try quality()
        let flagged = q.submissions.filter(\.flagged).count
        // Written piece by piece: 100,000 participants give hundreds of thousands of rows.
        var buffer = ""
        func write(_ piece: String, safe: Bool) {
            buffer += piece
            if buffer.utf8.count >= 1 << 20 { flush(safe: safe) }
        }
        func flush(safe: Bool) {
            if safe { Output.record(buffer) } else { Output.out(buffer, terminator: "") }
            buffer = ""
        }
        if json {
            try Self.writeJSON(Result(rules: .init(speed_fraction: speedFraction, block_min: blockMin, min_for_median: minForMedian),
                                      submissions: q.submissions, flagged: flagged)) { write($0, safe: true) }
            flush(safe: true)
            return
        }
        let rows = q.submissions.lazy.map { r in
            [r.participant, r.instrument, r.wave, r.duration_ms.map(Self.seconds) ?? "–", r.median_ms.map(Self.seconds) ?? "–",
             r.speeding ? "yes" : "", String(r.longstring), r.straightlining ? "yes" : "", NumberText.percent(r.missing_rate)].map(SafeText.line)
        }
        TextTable.render(header: ["participant", "instrument", "wave", "duration", "median", "speeding", "longstring", "straight", "missing"],
                         rows: rows, rightAligned: [3, 4, 6, 8]) { write($0 + "\n", safe: false) }
        flush(safe: false)
        Output.out("\n\(flagged) of \(q.submissions.count) submission(s) flagged (speeding or straight-lining); nothing is removed.")
        Output.out("Rules: speeding = duration below \(NumberText.fixed(speedFraction, 2)) x the median of its instrument and wave (judged with at least \(minForMedian) durations; Leiner 2019); "
                   + "longstring = longest run of identical likert/choice answers (Johnson 2005); straight-lining = \(blockMin) or more consecutive likert items on one response set all answered alike; "
                   + "missing = missing answers / items shown. See docs/integrity.md.")
    }

    /// Two streaming passes (`DataQuality.Streamed`), with the notes `options.loadData` gives;
    /// the index of the first pass is let go before the second.
    func quality() throws -> DataQuality {
        let bundle = try StudyLoader.load(directory: options.directory)
        let counted = try index(bundle)
        if let w = wave { _ = try bundle.resolveWaves([w]) }
        var s = DataQuality.Settings()
        s.speedFraction = speedFraction; s.blockMin = blockMin; s.minForMedian = minForMedian
        return try DataQuality.Streamed.quality(bundle: bundle, counted: counted, wave: wave, settings: s)
    }

    /// Pass 1 and its notes on standard error.
    func index(_ bundle: StudyBundle) throws -> DataQuality.Streamed.Counted {
        let streamed = try DataQuality.Streamed.index(bundle)
        if !json {
            StudyOptions.reportStoreNotes(study: bundle.study, duplicates: streamed.duplicateCount, problems: streamed.problems.count)
            StudyOptions.reportDrifts(try? streamed.versions(), bundle: bundle)
        }
        return streamed.counted
    }

    /// The bytes `JSONOutput.print(result)` writes, in pieces (keys sorted: flagged, rules, submissions).
    static func writeJSON(_ result: Result, _ write: (String) -> Void) throws {
        write("{\"flagged\":" + (try JSONOutput.text(result.flagged)) + ",\"rules\":" + (try JSONOutput.text(result.rules)) + ",\"submissions\":[")
        for (k, s) in result.submissions.enumerated() { write((k == 0 ? "" : ",") + (try JSONOutput.text(s))) }
        write("]}\n")
    }

    static func seconds(_ ms: Double) -> String { NumberText.fixed(ms / 1000, 1) + " s" }
}
