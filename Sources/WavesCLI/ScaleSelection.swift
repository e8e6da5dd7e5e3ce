import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `--scale S` of the per-scale analyses, one declaration for all of them; absent, the
/// analysis runs on every scale (`ScaleSelection`).
struct ScaleOption: ParsableArguments {
    @Option(help: "The scale: S or INSTRUMENT.S (default: every scale of the study, one table each).") var scale: String?

    /// The analysis of the named scale, or of every scale of the study (`ScaleSelection.each`).
    func each<R>(_ bundle: StudyBundle, _ analyse: (String) throws -> R) throws -> [R] {
        try ScaleSelection.each(bundle, scale: scale, analyse)
    }

    /// As `each`, with an instrument's scales analysed side by side (`ScaleSelection.eachSideBySide`).
    func eachSideBySide<R: Sendable>(_ bundle: StudyBundle, _ analyse: @escaping @Sendable (String) throws -> R) throws -> [R] {
        try ScaleSelection.each(bundle, scale: scale, sideBySide: true, analyse)
    }

    /// One JSON object for a named scale, else an array (`ScaleSelection.printJSON`).
    func printJSON<R: Encodable>(_ results: [R]) throws { try ScaleSelection.printJSON(results, scale: scale) }
}

/// `--scale` of the per-scale analyses (reliability, retest, change, lmm, rci): one scale, or
/// every scale of the study when it is absent (spec/cli.md, "Added in the second round": one
/// table per scale; with `--json` an array of the per-scale objects).
///
/// Running on every scale, a scale that cannot be analysed (too few scores, not given at the
/// waves asked for) is left out with one warning line on stderr; when no scale can be
/// analysed the first scale's error is the command's error.
enum ScaleSelection {
    /// The analysis of the named scale, or of every scale of the study in study order.
    static func each<R>(_ bundle: StudyBundle, scale: String?, _ analyse: (String) throws -> R) throws -> [R] {
        if let scale { return [try analyse(scale)] }
        // Each scale's analysis loads its instrument; in a row they share one load.
        return try InstrumentData.sharingLoads { try eachScale(bundle, analyse) }
    }

    /// As `each`, with the scales of an instrument analysed side by side on every core: its first
    /// scale alone (that analysis loads the instrument's columns, which the others then share),
    /// the rest at once (`Parallel.map`). Results, warnings and the error are those of `each`,
    /// in study order. For analyses whose own memory is small beside the columns (reliability,
    /// change, lmm, retest, rci), so that two at once stay within the commands' memory bound.
    static func each<R: Sendable>(_ bundle: StudyBundle, scale: String?, sideBySide: Bool, _ analyse: @escaping @Sendable (String) throws -> R) throws -> [R] {
        guard sideBySide, scale == nil else { return try each(bundle, scale: scale, analyse) }
        // `bundle.scaleNames`, by instrument.
        let runs = bundle.instruments.map { i in i.scales.map { "\(i.id).\($0.id)" } }.filter { !$0.isEmpty }
        return try InstrumentData.sharingLoads {
            try report(bundle.scaleNames, outcomes: runs.flatMap { run -> [Result<R, Error>] in
                let first = Result { try analyse(run[0]) }
                return [first] + Parallel.map(Array(run.dropFirst())) { name in Result { try analyse(name) } }
            })
        }
    }

    private static func eachScale<R>(_ bundle: StudyBundle, _ analyse: (String) throws -> R) throws -> [R] {
        let names = bundle.scaleNames
        return try report(names, outcomes: names.map { name in Result { try analyse(name) } })
    }

    /// The results of the scales that could be analysed, a warning line for each that could
    /// not; when none could, the first scale's error.
    private static func report<R>(_ names: [String], outcomes: [Result<R, Error>]) throws -> [R] {
        guard !names.isEmpty else { throw CLIFailure("the study's instruments define no scales to analyse") }
        var results: [R] = []
        var failures: [(name: String, error: Error)] = []
        for (name, outcome) in zip(names, outcomes) {
            switch outcome {
            case .success(let r): results.append(r)
            case .failure(let error): failures.append((name, error))
            }
        }
        if results.isEmpty, let first = failures.first { throw first.error }
        for f in failures { Output.err("warning: scale \(f.name) left out: \(describe(f.error))") }
        return results
    }

    /// One result as a JSON object when a scale was named, else the array of every scale's.
    static func printJSON<R: Encodable>(_ results: [R], scale: String?) throws {
        if scale != nil, results.count == 1 { try JSONOutput.print(results[0]) } else { try JSONOutput.print(results) }
    }

    static func describe(_ error: Error) -> String {
        (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    }
}
