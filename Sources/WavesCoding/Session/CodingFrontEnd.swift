import Foundation
import WavesAnalysis
import WavesCore

/// A way of running a coding session on a console (plain lines or interactive screens).
public protocol CodingFrontEnd {
    /// Runs until the coder leaves or the input ends; `record` appends a decision to the coder's file.
    func run(_ plan: CodingPlan, record: (CodingDecision) throws -> Void, now: () -> String) throws -> CodingOutcome
}

/// How a coding session ended.
public struct CodingOutcome: Sendable, Equatable {
    /// Decisions appended in this session.
    public var recorded: Int
    /// Units with a decision after the session, of all units.
    public var coded: Int
    public var total: Int
}

/// Texts both front ends show, neutralised for a terminal (`SafeText`).
enum UnitText {
    /// The context line (only with `--show-context`), or nil when blind.
    static func context(_ u: CodingUnit, _ plan: CodingPlan, waveLabel: String?) -> String? {
        guard plan.showContext else { return nil }
        let wave = waveLabel.map { "\(u.wave) (\($0))" } ?? u.wave
        return SafeText.line("Participant \(u.participant) · \(u.role ?? "no role") · \(wave) · \(u.instrument).\(u.item)")
    }

    static func prompt(_ u: CodingUnit) -> String { SafeText.line(u.prompt) }

    /// The answer with controls shown visibly and its own line breaks kept.
    static func answer(_ u: CodingUnit) -> String { SafeText.terminal(u.text) }

    /// Which compared coders applied a code ("alice, bob"), for reconciling.
    static func appliedBy(_ code: String, _ plan: CodingPlan, unit: String) -> [String] {
        (plan.session.comparison[unit] ?? []).filter { $0.decision.codes.contains(code) }.map(\.coder)
    }

    /// The compared coders' memos, one line each.
    static func memos(_ plan: CodingPlan, unit: String) -> [String] {
        (plan.session.comparison[unit] ?? []).filter { !$0.decision.memo.isEmpty }
            .map { SafeText.line("Memo of \($0.coder): \($0.decision.memo)") }
    }

    /// The definition block of a code: definition, when to use it, when not, an example.
    static func definition(_ code: Code) -> [String] {
        var out = ["\(code.label): \(code.definition)"]
        if let i = code.include { out.append("Use when: \(i)") }
        if let e = code.exclude { out.append("Not when: \(e)") }
        if let x = code.examples.first { out.append("Example: \(x)") }
        return out.map { SafeText.line($0) }
    }
}
