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
                    try r.visitMembers { (r2: inout JSONReader, item: String) throws(JSONReader.Stop) in
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
