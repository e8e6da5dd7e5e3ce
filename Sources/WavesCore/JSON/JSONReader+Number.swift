/// Numbers: RFC 8259 section 6, converted to the nearest Double.
///
/// Grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
/// Conversion: Clinger's fast path (a mantissa of at most 2^53 and a power of
/// ten up to 10^22 are both exact, so one IEEE multiply or divide rounds
/// correctly); integers of up to 19 digits convert exactly rounded from UInt64;
/// everything else goes to the standard library's `Double(String)`, which is
/// correctly rounded and, unlike `strtod`, independent of the C locale.
extension JSONReader {
    /// Exact powers of ten representable as Double.
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// Parses a number; `base[i]` is `-` or a digit.
    ///
    /// Kept out of line so that its locals do not enlarge the frame of the recursive `value()`.
    @inline(never)
    mutating func number() throws(Stop) -> Double {
        let start = i
        var j = i
        let negative = base[j] == UInt8(ascii: "-")
        if negative {
            j += 1
            guard j < end else { throw endInside("a number", at: j) }
        }
        var mantissa: UInt64 = 0
        var digits = 0          // significant digits held in `mantissa`
        var dropped = false     // more than 19 significant digits
        var exponent = 0        // value = mantissa * 10^exponent (while not dropped)

        let first = base[j]
        if first == UInt8(ascii: "0") {
            j += 1
            if j < end, Self.isDigit(base[j]) {
                throw fail(.invalidNumber, at: start, "leading zeros are not allowed in numbers")
            }
        } else if Self.isDigit(first) {
            repeat {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(base[j] &- 0x30)
                    digits += 1
                } else {
                    dropped = true
                }
                j += 1
            } while j < end && Self.isDigit(base[j])
        } else {
            throw unexpected(at: j, "after '-' (expected a digit)", kind: .invalidNumber)
        }

        if j < end, base[j] == UInt8(ascii: ".") {
            j += 1
            guard j < end else { throw endInside("a number", at: j) }
            guard Self.isDigit(base[j]) else {
                throw unexpected(at: j, "after the decimal point (expected a digit)", kind: .invalidNumber)
            }
            repeat {
                let d = UInt64(base[j] &- 0x30)
                if mantissa == 0 && d == 0 {
                    exponent -= 1  // leading zeros of the fraction are not significant
                } else if digits < 19 {
                    mantissa = mantissa &* 10 &+ d
                    digits += 1
                    exponent -= 1
                } else {
                    dropped = true
                }
                j += 1
            } while j < end && Self.isDigit(base[j])
        }

        if j < end, base[j] | 0x20 == UInt8(ascii: "e") {
            j += 1
            guard j < end else { throw endInside("a number", at: j) }
            var negativeExponent = false
            if base[j] == UInt8(ascii: "+") || base[j] == UInt8(ascii: "-") {
                negativeExponent = base[j] == UInt8(ascii: "-")
                j += 1
                guard j < end else { throw endInside("a number", at: j) }
            }
            guard Self.isDigit(base[j]) else {
                throw unexpected(at: j, "in the exponent of a number (expected a digit)", kind: .invalidNumber)
            }
            var e = 0
            repeat {
                if e < 1_000_000 { e = e * 10 + Int(base[j] &- 0x30) }
                j += 1
            } while j < end && Self.isDigit(base[j])
            exponent += negativeExponent ? -e : e
        }
        i = j

        if !dropped {
            if mantissa == 0 { return negative ? -0.0 : 0.0 }
            if exponent == 0 {
                let d = Double(mantissa)  // correctly rounded for any UInt64
                return negative ? -d : d
            }
            if mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
                var d = Double(mantissa)
                d = exponent < 0 ? d / Self.powersOfTen[-exponent] : d * Self.powersOfTen[exponent]
                return negative ? -d : d
            }
        }
        return try slowNumber(from: start, to: j)
    }

    /// Converts the (grammatically valid) number text `base[start..<stop]` the slow, exact way.
    @inline(never)
    mutating func slowNumber(from start: Int, to stop: Int) throws(Stop) -> Double {
        let text = makeString(from: start, to: stop)
        guard let d = Double(text), d.isFinite else {
            let shown = text.count > 40 ? text.prefix(37) + "..." : Substring(text)
            throw fail(.numberOutOfRange, at: start, "number \(shown) is too large for a double-precision value")
        }
        return d
    }
}

extension JSONReader {
    /// Parses `base[i..<end]` as exactly one number: no whitespace, nothing after it.
    mutating func numberDocument() throws(JSONParseError) -> Double {
        failure = nil
        do {
            let c = base[i]
            guard c == UInt8(ascii: "-") || Self.isDigit(c) else {
                throw unexpected(at: i, "where a number was expected (a number starts with '-' or a digit)", kind: .invalidNumber)
            }
            let v = try number()
            if i < end { throw unexpected(at: i, "after the number", kind: .trailingCharacters) }
            return v
        } catch {
            throw failure ?? locate(.invalidNumber, at: i, "not a number")
        }
    }
}
