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

    private static func eachScale<R>(_ bundle: StudyBundle, _ analyse: (String) throws -> R) throws -> [R] {
        let names = bundle.scaleNames
        guard !names.isEmpty else { throw CLIFailure("the study's instruments define no scales to analyse") }
        var results: [R] = []
        var failures: [(name: String, error: Error)] = []
        for name in names {
            do { results.append(try analyse(name)) } catch { failures.append((name, error)) }
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
