import ArgumentParser
import Foundation
import WavesAnalysis
import WavesExport
import WavesReport

// The option values of the commands as swift-argument-parser types: the parser checks them,
// lists the choices in `--help`, and rejects a wrong value as a usage error (exit 2) before
// `run()`, which then never converts a string again.

extension ExportFormat: ExpressibleByArgument {}
extension ExportLayout: ExpressibleByArgument {}
extension DatePolicy: ExpressibleByArgument {}
extension ReportOptions.Format: ExpressibleByArgument {}
extension MixedModelAnalysis.TimeCoding: ExpressibleByArgument {}
extension PowerDesign: ExpressibleByArgument {}
extension PowerCorrection: ExpressibleByArgument {}
extension PowerSearchResult.Parameter: ExpressibleByArgument {}

/// `--between`: the between-subject factor of `change` and `lmm` (only `role` so far).
enum BetweenFactor: String, ExpressibleByArgument, CaseIterable, Sendable {
    case role
}

/// A comma-separated list of wave ids (`--waves w1,w3`), in the order given; spaces around
/// the ids and empty entries are ignored. Whether the ids exist is the study's question
/// (`StudyBundle.resolveWaves`), answered with the study's waves listed.
struct WaveList: ExpressibleByArgument, Sendable, Equatable {
    var ids: [String]

    init(_ ids: [String]) { self.ids = ids }

    init?(argument: String) {
        let ids = argument.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !ids.isEmpty else { return nil }
        self.ids = ids
    }

    var defaultValueDescription: String { ids.joined(separator: ",") }
}

/// A comma-separated list of whole numbers (`--participants 20,40,60`).
struct IntList: ExpressibleByArgument, Sendable, Equatable {
    var values: [Int]

    init?(argument: String) {
        let v = argument.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !v.isEmpty, !v.contains(nil) else { return nil }
        values = v.compactMap { $0 }
    }
}

/// A comma-separated list of finite numbers (`--times 0,6,12`).
struct NumberList: ExpressibleByArgument, Sendable, Equatable {
    var values: [Double]

    init?(argument: String) {
        let v = argument.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !v.isEmpty, v.allSatisfy({ $0?.isFinite == true }) else { return nil }
        values = v.compactMap { $0 }
    }
}
