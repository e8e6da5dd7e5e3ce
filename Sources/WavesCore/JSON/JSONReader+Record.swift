import Foundation

extension ResponseRecord {
    /// Decodes one store line straight into a record.
    ///
    /// The same strict grammar as `JSONParser` (it drives the same reader), but
    /// the `answers` object is read into answers directly instead of through
    /// `JSONValue` trees, which roughly halves the work per line. Throws
    /// `JSONParseError` for invalid JSON and `RecordError` for valid JSON that is
    /// not a response record, exactly as `ResponseRecord(json: JSONParser.parse(...))`.
    public static func decode(line bytes: UnsafeRawBufferPointer) throws -> ResponseRecord {
        var cache = AnswerKeyCache()
        return try decode(line: bytes, keys: &cache)
    }

    /// Decodes one store line, reusing answer-key strings from earlier lines through `keys`.
    public static func decode(line bytes: UnsafeRawBufferPointer, keys cache: inout AnswerKeyCache) throws -> ResponseRecord {
        guard let raw = bytes.baseAddress, bytes.count > 0 else { return try ResponseRecord(json: JSONParser.parse(bytes)) }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        var reader = JSONReader(bytes, base: base, maxDepth: JSONParser.maxDepth)
        reader.skipWhitespace()
        // Anything but an object takes the general path, which gives the general messages.
        guard reader.i < reader.end, base[reader.i] == UInt8(ascii: "{") else {
            return try ResponseRecord(json: JSONParser.parse(bytes))
        }
        var builder = RecordBuilder()
        var recordError: Error?
        do {
            try reader.visitMembers { (r: inout JSONReader, key: String) throws(JSONReader.Stop) in
                if key == "answers", r.base[r.i] == UInt8(ascii: "{") {
                    var list: [(id: String, value: Answer)] = []
                    list.reserveCapacity(48)
                    try r.visitMembers(keys: { (r2: inout JSONReader, index: Int) throws(JSONReader.Stop) -> String in
                        try cache.key(&r2, at: index)
                    }) { (r2: inout JSONReader, item: String) throws(JSONReader.Stop) in
                        let v = try r2.value()
                        do { list.append((item, try RecordBuilder.answer(item, v))) } catch {
                            if recordError == nil { recordError = error }
                        }
                    }
                    builder.answers = list
                } else {
                    let v = try r.value()
                    do { try builder.set(key, v) } catch { if recordError == nil { recordError = error } }
                }
            }
            reader.skipWhitespace()
            if reader.i < reader.end {
                throw reader.unexpected(at: reader.i, "after the JSON value", kind: .trailingCharacters)
            }
        } catch {
            throw reader.failure ?? reader.locate(.unexpectedCharacter, at: reader.i, "invalid JSON")
        }
        if let e = recordError { throw e }
        return try builder.build()
    }
}

/// The answer ids of the previous record, by position.
///
/// Records of one instrument list the same item ids in the same order, so a
/// plain ASCII key whose bytes equal the cached id at its position reuses that
/// String instead of making a new one (string creation was the largest single
/// cost of reading the store). Keys with escapes or non-ASCII bytes take the
/// ordinary, fully checked path.
public struct AnswerKeyCache: Sendable {
    var keys: [String] = []
    /// The UTF-8 bytes of each cached key; empty arrays mark keys not to be matched
    /// (non-ASCII, or holding a quote, a backslash or a control character).
    var bytes: [[UInt8]] = []
    public init() {}

    mutating func key(_ r: inout JSONReader, at index: Int) throws(JSONReader.Stop) -> String {
        let start = r.i + 1
        if index < keys.count {
            let kb = bytes[index]
            let n = kb.count
            // The raw text equals a plain cached key exactly, closing quote included.
            if n > 0, start + n < r.end, r.base[start + n] == UInt8(ascii: "\"") {
                var k = 0
                while k < n && r.base[start + k] == kb[k] { k += 1 }
                if k == n {
                    r.i = start + n + 1
                    return keys[index]
                }
            }
        }
        let key = try r.string()
        let plain = key.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        let kb = plain ? Array(key.utf8) : []
        if index < keys.count { keys[index] = key; bytes[index] = kb }
        else if index == keys.count { keys.append(key); bytes.append(kb) }
        return key
    }
}
