/// A record's store line written straight into a byte buffer: the bytes of `jsonLine`
/// (`JSONWriter.string(json)`), key for key, without building the `JSONValue` tree. For the
/// store's appends, where an import writes hundreds of thousands of lines; a differential
/// test holds the two to the same bytes.
extension ResponseRecord {
    /// Appends the record's line (without a line end) to `out`.
    public func writeJSONLine(into out: inout [UInt8]) {
        func key(_ k: StaticString) {
            out.append(UInt8(ascii: ","))
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeRawBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        out.append(contentsOf: #"{"format":"#.utf8)
        JSONWriter.writeString(ResponseRecord.format, into: &out)
        key("id"); JSONWriter.writeString(id, into: &out)
        key("study"); JSONWriter.writeString(study, into: &out)
        key("participant"); JSONWriter.writeString(participant, into: &out)
        key("role")
        if let r = role { JSONWriter.writeString(r, into: &out) } else { JSONWriter.write(.null, into: &out) }
        key("wave"); JSONWriter.writeString(wave, into: &out)
        key("instrument")
        out.append(contentsOf: #"{"id":"#.utf8); JSONWriter.writeString(instrument.id, into: &out)
        out.append(contentsOf: #","version":"#.utf8); JSONWriter.writeString(instrument.version, into: &out)
        out.append(contentsOf: #","sha256":"#.utf8); JSONWriter.writeString(instrument.sha256, into: &out)
        out.append(UInt8(ascii: "}"))
        if let s = startedAt { key("started_at"); JSONWriter.writeString(s, into: &out) }
        key("submitted_at"); JSONWriter.writeString(submittedAt, into: &out)
        key("mode"); JSONWriter.writeString(mode, into: &out)
        if let v = via { key("via"); JSONWriter.writeString(v, into: &out) }
        key("answers")
        out.append(UInt8(ascii: "{"))
        for (i, a) in answers.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(a.id, into: &out)
            out.append(UInt8(ascii: ":"))
            switch a.value {
            case .number(let d): JSONWriter.writeNumber(d, into: &out)
            case .text(let s): JSONWriter.writeString(s, into: &out)
            case .missing: JSONWriter.write(.null, into: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        key("declined")
        out.append(UInt8(ascii: "["))
        for (i, d) in declined.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(d, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        for e in extra {
            out.append(UInt8(ascii: ","))
            JSONWriter.writeString(e.key, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONWriter.write(e.value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
