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
        // The cells that repeat from row to row (wave, instrument, "–", percentages, small
        // counts) are made once per piece: 100,000 participants give hundreds of thousands of
        // rows, read twice, in pieces on every core (`TextTable.render(header:count:…)`).
        let submissions = q.submissions
        TextTable.render(header: ["participant", "instrument", "wave", "duration", "median", "speeding", "longstring", "straight", "missing"],
                         count: submissions.count, rightAligned: [3, 4, 6, 8], memo: { RepeatedTexts() }, rows: { range, texts in
            submissions[range].map { r in
                [SafeText.line(r.participant), texts.safe(r.instrument), texts.safe(r.wave),
                 r.duration_ms.map(Self.seconds) ?? "–", texts.seconds(r.median_ms), r.speeding ? "yes" : "", texts.count(r.longstring),
                 r.straightlining ? "yes" : "", texts.percent(r.missing_rate)]
            }
        }) { lines in write(lines, safe: false) }
        flush(safe: false)
        Output.out("\n\(flagged) of \(q.submissions.count) submission(s) flagged (speeding or straight-lining); nothing is removed.")
        Output.out("Rules: speeding = duration below \(NumberText.fixed(speedFraction, 2)) x the median of its instrument and wave (judged with at least \(minForMedian) durations; Leiner 2019); "
                   + "longstring = longest run of identical likert/choice answers (Johnson 2005); straight-lining = \(blockMin) or more consecutive likert items on one response set all answered alike; "
                   + "missing = missing answers / items shown. See docs/integrity.md.")
    }

    /// One streaming pass (`DataQuality.Streamed`), with the notes `options.loadData` gives.
    func quality() throws -> DataQuality {
        let bundle = try StudyLoader.load(directory: options.directory)
        let streamed = try DataQuality.Streamed.index(bundle)
        if !json {
            StudyOptions.reportStoreNotes(study: bundle.study, duplicates: streamed.duplicateCount, problems: streamed.problems.count)
            StudyOptions.reportDrifts(try? streamed.versions(), bundle: bundle)
        }
        if let w = wave { _ = try bundle.resolveWaves([w]) }
        var s = DataQuality.Settings()
        s.speedFraction = speedFraction; s.blockMin = blockMin; s.minForMedian = minForMedian
        return streamed.quality(wave: wave, settings: s)
    }

    /// The bytes `JSONOutput.print(result)` writes, in pieces (keys sorted: flagged, rules, submissions).
    static func writeJSON(_ result: Result, _ write: (String) -> Void) throws {
        write("{\"flagged\":" + (try JSONOutput.text(result.flagged)) + ",\"rules\":" + (try JSONOutput.text(result.rules)) + ",\"submissions\":[")
        var text = ""
        for (k, s) in result.submissions.enumerated() {
            if k > 0 { text += "," }
            if let fast = json(s) { text += fast } else { text += try JSONOutput.text(s) }
            if text.utf8.count >= 1 << 16 { write(text); text = "" }
        }
        write(text + "]}\n")
    }

    /// One submission as `JSONOutput.text` writes it (sorted keys, `null` for a missing duration
    /// or median), when its texts need no escape and its numbers are plain (`JSONOutput.plainNumber`);
    /// else nil, and the encoder writes it. The encoder's cost per submission was most of
    /// `waves quality --json` at 100,000 participants; `QualityOutputTests` holds this to the encoder.
    static func json(_ s: DataQuality.Submission) -> String? {
        guard JSONOutput.isPlain(s.participant), JSONOutput.isPlain(s.instrument), JSONOutput.isPlain(s.wave),
              let rate = JSONOutput.plainNumber(s.missing_rate) else { return nil }
        func optional(_ d: Double?) -> String? { d.map(JSONOutput.plainNumber) ?? "null" }
        guard let duration = optional(s.duration_ms), let median = optional(s.median_ms) else { return nil }
        return "{\"duration_ms\":\(duration),\"instrument\":\"\(s.instrument)\",\"longstring\":\(s.longstring),\"median_ms\":\(median),"
            + "\"missing_rate\":\(rate),\"participant\":\"\(s.participant)\",\"speeding\":\(s.speeding),"
            + "\"straightlining\":\(s.straightlining),\"wave\":\"\(s.wave)\"}"
    }

    /// Table cells that repeat from row to row, each made once: what `SafeText.line`,
    /// `seconds`, `String(_:)` and `NumberText.percent` give (`QualityOutputTests`).
    struct RepeatedTexts {
        private var safeTexts: [String: String] = [:]
        private var lastSeconds: (ms: Double, text: String)?
        private var counts: [String] = (0..<64).map { String($0) }
        private var percents: [UInt64: String] = [:]

        mutating func safe(_ s: String) -> String {
            if let t = safeTexts[s] { return t }
            let t = SafeText.line(s)
            if safeTexts.count < 4096 { safeTexts[s] = t }
            return t
        }

        mutating func seconds(_ ms: Double?) -> String {
            guard let ms else { return "–" }
            if let last = lastSeconds, last.ms.bitPattern == ms.bitPattern { return last.text }
            let t = QualityCommand.seconds(ms)
            lastSeconds = (ms, t)
            return t
        }

        func count(_ n: Int) -> String { n >= 0 && n < counts.count ? counts[n] : String(n) }

        mutating func percent(_ v: Double) -> String {
            if let t = percents[v.bitPattern] { return t }
            let t = NumberText.percent(v)
            if percents.count < 4096 { percents[v.bitPattern] = t }
            return t
        }
    }

    static func seconds(_ ms: Double) -> String { NumberText.fixed(ms / 1000, 1) + " s" }
}
