import Foundation

/// A `show_if` syntax error; `column` is 1-based within the expression text.
public struct ConditionSyntaxError: Error, Equatable, Sendable {
    public var column: Int
    public var message: String
}

/// Parses `show_if` expressions once into a `Condition` tree (recursive descent).
public struct ConditionParser {
    enum Token: Equatable {
        case ident(String), string(String), number(Double), op(ComparisonOperator)
        case and, or, not, lparen, rparen, end
    }

    private var tokens: [(Token, Int)] = []
    private var pos = 0

    /// Parses the expression or throws with the column of the problem.
    public static func parse(_ text: String) throws -> Condition {
        var p = ConditionParser()
        p.tokens = try tokenize(text)
        if p.tokens.count == 1 { throw ConditionSyntaxError(column: 1, message: "empty condition") }
        let c = try p.parseOr()
        let (t, col) = p.tokens[p.pos]
        if t != .end { throw ConditionSyntaxError(column: col, message: "unexpected \(describe(t))") }
        return c
    }

    static func describe(_ t: Token) -> String {
        switch t {
        case .ident(let s): return "'\(s)'"
        case .string(let s): return "string '\(s)'"
        case .number(let v): return "number \(JSONWriter.number(v))"
        case .op(let o): return "'\(o.rawValue)'"
        case .and: return "'and'"
        case .or: return "'or'"
        case .not: return "'not'"
        case .lparen: return "'('"
        case .rparen: return "')'"
        case .end: return "end of condition"
        }
    }

    static func tokenize(_ text: String) throws -> [(Token, Int)] {
        let chars = Array(text)
        var out: [(Token, Int)] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let col = i + 1
            if c == " " || c == "\t" { i += 1; continue }
            if c == "(" { out.append((.lparen, col)); i += 1; continue }
            if c == ")" { out.append((.rparen, col)); i += 1; continue }
            if c == "'" {
                var j = i + 1
                var s = ""
                while j < chars.count && chars[j] != "'" { s.append(chars[j]); j += 1 }
                if j >= chars.count { throw ConditionSyntaxError(column: col, message: "string is not closed with '") }
                out.append((.string(s), col)); i = j + 1; continue
            }
            if "=!<>".contains(c) {
                let two = i + 1 < chars.count ? String([c, chars[i + 1]]) : String(c)
                if let op = ComparisonOperator(rawValue: two), two.count == 2 {
                    out.append((.op(op), col)); i += 2; continue
                }
                if let op = ComparisonOperator(rawValue: String(c)) {
                    out.append((.op(op), col)); i += 1; continue
                }
                throw ConditionSyntaxError(column: col, message: c == "=" ? "use '==' to compare" : "unknown operator '\(c)'")
            }
            if c.isNumber || c == "-" || c == "." {
                var j = i + 1
                while j < chars.count && (chars[j].isNumber || chars[j] == ".") { j += 1 }
                let s = String(chars[i..<j])
                guard let v = Double(s) else { throw ConditionSyntaxError(column: col, message: "bad number '\(s)'") }
                out.append((.number(v), col)); i = j; continue
            }
            if c.isLetter || c == "_" {
                var j = i + 1
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "-") { j += 1 }
                let w = String(chars[i..<j])
                switch w {
                case "and": out.append((.and, col))
                case "or": out.append((.or, col))
                case "not": out.append((.not, col))
                default: out.append((.ident(w), col))
                }
                i = j; continue
            }
            if c == "\"" { throw ConditionSyntaxError(column: col, message: "strings are quoted with ' (single quote)") }
            throw ConditionSyntaxError(column: col, message: "unexpected character '\(c)'")
        }
        out.append((.end, chars.count + 1))
        return out
    }

    private mutating func parseOr() throws -> Condition {
        var l = try parseAnd()
        while tokens[pos].0 == .or { pos += 1; l = .or(l, try parseAnd()) }
        return l
    }

    private mutating func parseAnd() throws -> Condition {
        var l = try parseNot()
        while tokens[pos].0 == .and { pos += 1; l = .and(l, try parseNot()) }
        return l
    }

    private mutating func parseNot() throws -> Condition {
        if tokens[pos].0 == .not { pos += 1; return .not(try parseNot()) }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> Condition {
        let (t, col) = tokens[pos]
        if t == .lparen {
            pos += 1
            let inner = try parseOr()
            if tokens[pos].0 != .rparen {
                throw ConditionSyntaxError(column: tokens[pos].1, message: "expected ')' but found \(ConditionParser.describe(tokens[pos].0))")
            }
            pos += 1
            return inner
        }
        let lhs = try parseOperand()
        if case .op(let op) = tokens[pos].0 {
            pos += 1
            let rhs = try parseOperand()
            return .compare(lhs, op, rhs)
        }
        if case .item = lhs { return .truthy(lhs) }
        _ = col
        return .truthy(lhs)
    }

    private mutating func parseOperand() throws -> Operand {
        let (t, col) = tokens[pos]
        pos += 1
        switch t {
        case .ident("role"): return .role
        case .ident("wave"): return .wave
        case .ident(let s): return .item(s)
        case .string(let s): return .string(s)
        case .number(let v): return .number(v)
        default:
            throw ConditionSyntaxError(column: col, message: "expected a value (role, wave, an item id, a 'string' or a number) but found \(ConditionParser.describe(t))")
        }
    }
}
