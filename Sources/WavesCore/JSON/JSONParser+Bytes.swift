/// The JSON number grammar on bytes, for callers that read many short numbers from a file
/// (a CSV import's cells) and should not make a `String` per number.
extension JSONParser {
    /// `number(_:)` on UTF-8 bytes: the bytes must be exactly one JSON number (RFC 8259
    /// section 6), converted to the nearest Double.
    ///
    /// A plain integer of at most 15 digits (`-?(0|[1-9][0-9]*)`) is exact in a Double
    /// (below 2^53), so it is converted here; every other text goes to the full reader,
    /// which decides validity and rounding.
    public static func number(utf8 bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> Double {
        let n = bytes.count
        if n > 0 && n <= 16 {
            var i = 0
            let negative = bytes[0] == UInt8(ascii: "-")
            if negative { i = 1 }
            let digits = n - i
            if digits >= 1 && digits <= 15 && (digits == 1 || bytes[i] != UInt8(ascii: "0")) {
                var v = 0
                var plain = true
                while i < n {
                    let d = bytes[i] &- UInt8(ascii: "0")
                    if d > 9 { plain = false; break }
                    v = v * 10 + Int(d)
                    i += 1
                }
                if plain { return negative ? -Double(v) : Double(v) }
            }
        }
        return try number(bytes)
    }
}
