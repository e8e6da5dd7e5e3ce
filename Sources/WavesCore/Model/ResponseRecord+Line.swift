/// The one writer of store lines (`data/responses.jsonl`): the bytes of `jsonLine`
/// (`JSONWriter.string(json)`), key for key, written straight into a byte buffer without
/// building the `JSONValue` tree. A line is written in order by the parts below:
///
///     open(id:)  who(study:participant:role:wave:)  meta(instrument:…via:)
///     openAnswers()  answer key + value …  closeAnswers(declined:)  extra(…) …  close()
///
/// `ResponseRecord.writeJSONLine` writes a record through these parts, and `waves import`
/// writes each CSV row's line through the same parts straight from its cells (the parts that
/// are the same on every row of an import are written once and copied). Differential tests
/// hold both to `JSONWriter.string(record.json)` and to the strict decoder.
public enum RecordLineWriter {
    @inline(__always)
    static func key(_ k: StaticString, into out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeRawBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    /// `{"format":"waves.response/1","id":<id>`
    public static func open(id: String, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"format":"#.utf8)
        JSONWriter.writeString(ResponseRecord.format, into: &out)
        key("id", into: &out); JSONWriter.writeString(id, into: &out)
    }

    /// `,"study":…,"participant":…,"role":…,"wave":…` (`role` null when nil).
    public static func who(study: String, participant: String, role: String?, wave: String, into out: inout [UInt8]) {
        key("study", into: &out); JSONWriter.writeString(study, into: &out)
        key("participant", into: &out); JSONWriter.writeString(participant, into: &out)
        key("role", into: &out)
        if let r = role { JSONWriter.writeString(r, into: &out) } else { JSONWriter.write(.null, into: &out) }
        key("wave", into: &out); JSONWriter.writeString(wave, into: &out)
    }

    /// `,"instrument":{…}` then `started_at` (when given), `submitted_at`, `mode`, `via` (when given).
    public static func meta(instrument: InstrumentRef, startedAt: String?, submittedAt: String, mode: String, via: String?,
                            into out: inout [UInt8]) {
        key("instrument", into: &out)
        out.append(contentsOf: #"{"id":"#.utf8); JSONWriter.writeString(instrument.id, into: &out)
        out.append(contentsOf: #","version":"#.utf8); JSONWriter.writeString(instrument.version, into: &out)
        out.append(contentsOf: #","sha256":"#.utf8); JSONWriter.writeString(instrument.sha256, into: &out)
        out.append(UInt8(ascii: "}"))
        if let s = startedAt { key("started_at", into: &out); JSONWriter.writeString(s, into: &out) }
        key("submitted_at", into: &out); JSONWriter.writeString(submittedAt, into: &out)
        key("mode", into: &out); JSONWriter.writeString(mode, into: &out)
        if let v = via { key("via", into: &out); JSONWriter.writeString(v, into: &out) }
    }

    /// `,"answers":{`
    public static func openAnswers(into out: inout [UInt8]) {
        key("answers", into: &out)
        out.append(UInt8(ascii: "{"))
    }

    /// The key of an answer, `"id":`, after a comma unless it is the first.
    public static func answerKey(_ id: String, first: Bool, into out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        JSONWriter.writeString(id, into: &out)
        out.append(UInt8(ascii: ":"))
    }

    /// An answer's value: a number, a text, or null for a missing answer.
    @inline(__always)
    public static func answerValue(_ value: Answer, into out: inout [UInt8]) {
        switch value {
        case .number(let d): JSONWriter.writeNumber(d, into: &out)
        case .text(let s): JSONWriter.writeString(s, into: &out)
        case .missing: null(into: &out)
        }
    }

    /// `null`
    @inline(__always)
    public static func null(into out: inout [UInt8]) {
        out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }

    /// `},"declined":[…]`: the end of the answers and the declined items.
    public static func closeAnswers<S: Sequence<String>>(declined: S, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "}"))
        key("declined", into: &out)
        out.append(UInt8(ascii: "["))
        var first = true
        for d in declined {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONWriter.writeString(d, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `,<key>:<value>`: one of the record's other keys (`batch`, `dont_know`, `prev`, …).
    public static func extra(_ key: String, _ value: JSONValue, into out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        JSONWriter.writeString(key, into: &out)
        out.append(UInt8(ascii: ":"))
        JSONWriter.write(value, into: &out)
    }

    /// `}`: the end of the line (the line end itself is the store's).
    public static func close(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "}"))
    }
}

extension ResponseRecord {
    /// Appends the record's line (without a line end) to `out` (`RecordLineWriter`).
    public func writeJSONLine(into out: inout [UInt8]) {
        RecordLineWriter.open(id: id, into: &out)
        RecordLineWriter.who(study: study, participant: participant, role: role, wave: wave, into: &out)
        RecordLineWriter.meta(instrument: instrument, startedAt: startedAt, submittedAt: submittedAt, mode: mode, via: via, into: &out)
        RecordLineWriter.openAnswers(into: &out)
        for (i, a) in answers.enumerated() {
            RecordLineWriter.answerKey(a.id, first: i == 0, into: &out)
            RecordLineWriter.answerValue(a.value, into: &out)
        }
        RecordLineWriter.closeAnswers(declined: declined, into: &out)
        for e in extra { RecordLineWriter.extra(e.key, e.value, into: &out) }
        RecordLineWriter.close(into: &out)
    }
}
