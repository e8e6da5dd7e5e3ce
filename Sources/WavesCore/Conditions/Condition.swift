import Foundation

/// A parsed `show_if` expression.
///
/// Grammar (lowest precedence first):
/// `or := and ('or' and)*`, `and := not ('and' not)*`, `not := 'not' not | cmp`,
/// `cmp := operand (op operand)? | '(' or ')'`, `op := == != < <= > >=`,
/// operand: `role`, `wave`, an item id, a `'string'` or a number.
public indirect enum Condition: Sendable, Equatable {
    case compare(Operand, ComparisonOperator, Operand)
    /// A bare operand: true when it names an answered item (or a non-empty role/wave).
    case truthy(Operand)
    case and(Condition, Condition)
    case or(Condition, Condition)
    case not(Condition)

    /// Item ids the condition refers to (every identifier but `role` and `wave`).
    public var referencedItems: [String] {
        switch self {
        case .compare(let a, _, let b): return [a, b].compactMap(\.itemID)
        case .truthy(let a): return [a].compactMap(\.itemID)
        case .and(let a, let b), .or(let a, let b): return a.referencedItems + b.referencedItems
        case .not(let a): return a.referencedItems
        }
    }
}

/// A value in a condition.
public enum Operand: Sendable, Equatable {
    case role
    case wave
    case item(String)
    case string(String)
    case number(Double)

    var itemID: String? { if case .item(let s) = self { return s } else { return nil } }
}

public enum ComparisonOperator: String, Sendable, CaseIterable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
}

/// What a condition is evaluated against: the participant's role, the wave, and earlier answers.
public struct ConditionContext: Sendable {
    public var role: String?
    public var wave: String?
    /// Wave ids in time order, so that `wave >= 'w2'` compares positions.
    public var waveOrder: [String]
    public var answers: [String: Answer]

    public init(role: String?, wave: String?, waveOrder: [String] = [], answers: [String: Answer] = [:]) {
        self.role = role; self.wave = wave; self.waveOrder = waveOrder; self.answers = answers
    }
}

extension Condition {
    /// Evaluates the condition. A comparison with an unanswered item is false
    /// (so `not (x == 1)` shows an item when x is unanswered).
    public func evaluate(_ ctx: ConditionContext) -> Bool {
        switch self {
        case .and(let a, let b): return a.evaluate(ctx) && b.evaluate(ctx)
        case .or(let a, let b): return a.evaluate(ctx) || b.evaluate(ctx)
        case .not(let a): return !a.evaluate(ctx)
        case .truthy(let a):
            switch Condition.resolve(a, ctx) {
            case .missing: return false
            case .text(let s): return !s.isEmpty
            case .number(let v): return v != 0
            }
        case .compare(let a, let op, let b):
            let isWaveComparison = (a == .wave || b == .wave)
            var l = Condition.resolve(a, ctx), r = Condition.resolve(b, ctx)
            if isWaveComparison, case .text(let ls) = l, case .text(let rs) = r,
               let li = ctx.waveOrder.firstIndex(of: ls), let ri = ctx.waveOrder.firstIndex(of: rs) {
                l = .number(Double(li)); r = .number(Double(ri))
            }
            switch (l, r) {
            case (.missing, _), (_, .missing): return false
            case (.number(let x), .number(let y)): return Condition.apply(op, x, y)
            case (.text(let x), .text(let y)): return Condition.apply(op, x, y)
            case (.number(let x), .text(let y)):
                if let yv = Double(y) { return Condition.apply(op, x, yv) }
                return op == .ne
            case (.text(let x), .number(let y)):
                if let xv = Double(x) { return Condition.apply(op, xv, y) }
                return op == .ne
            }
        }
    }

    static func resolve(_ o: Operand, _ ctx: ConditionContext) -> Answer {
        switch o {
        case .role: return ctx.role.map(Answer.text) ?? .missing
        case .wave: return ctx.wave.map(Answer.text) ?? .missing
        case .item(let id): return ctx.answers[id] ?? .missing
        case .string(let s): return .text(s)
        case .number(let v): return .number(v)
        }
    }

    static func apply<T: Comparable>(_ op: ComparisonOperator, _ x: T, _ y: T) -> Bool {
        switch op {
        case .eq: return x == y
        case .ne: return x != y
        case .lt: return x < y
        case .le: return x <= y
        case .gt: return x > y
        case .ge: return x >= y
        }
    }
}
