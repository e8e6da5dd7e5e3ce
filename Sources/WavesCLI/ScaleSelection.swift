import Foundation
import WavesAnalysis
import WavesCore

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
