import Foundation

/// One store line as the fast record path reads it (`RecordFastDecoder`): every field of the
/// `ResponseRecord` the strict decoder would give, with the answers matched to the positions of
/// their instrument's items instead of keeping an id String per answer.
public struct FastRecord: Sendable {
    public var id: String
    public var study: String
    public var participant: String
    public var role: String?
    public var wave: String
    public var instrument: InstrumentRef
    /// The position of the record's instrument in the decoder's plan (`RecordFastDecoder.Plan`).
    public var instrumentIndex: Int
    public var startedAt: String?
    public var submittedAt: String
    public var mode: String
    public var via: String?
    /// The answers in line order; positions strictly increase (each item answered at most once).
    public var answers: [FastAnswer]
    public var declined: [String]
    /// The optional keys the fast path knows (`prev`, `batch`, `duration_ms`, `language`,
    /// `timings`, `dont_know`), each at most once; `extraOrder` keeps the order they were written
    /// in. `timings` and `dont_know` are kept as the strict reader reads them (any JSON value: a
    /// wrong type is for `waves validate` to report, as for the strict record).
    public var prev: HexDigest?
    public var batch: String?
    public var durationMs: Double?
    public var language: String?
    public var timings: JSONValue?
    public var dontKnow: JSONValue?
    var extraOrder: [ExtraKey] = []

    enum ExtraKey: Sendable { case prev, batch, durationMs, language, timings, dontKnow }

    /// The record the strict decoder gives for the same line (`items`: the item ids of the
    /// record's instrument in the plan, in order). Tests hold the two equal on every line the
    /// fast path accepts; the commands build it only for the rare line that needs it.
    public func record(items: [String]) -> ResponseRecord {
        var extra: [(key: String, value: JSONValue)] = []
        for k in extraOrder {
            switch k {
            case .prev: extra.append(("prev", .string(prev!.hex)))
            case .batch: extra.append(("batch", .string(batch!)))
            case .durationMs: extra.append(("duration_ms", .number(durationMs!)))
            case .language: extra.append(("language", .string(language!)))
            case .timings: extra.append(("timings", timings!))
            case .dontKnow: extra.append(("dont_know", dontKnow!))
            }
        }
        return ResponseRecord(id: id, study: study, participant: participant, role: role, wave: wave, instrument: instrument,
                              startedAt: startedAt, submittedAt: submittedAt, mode: mode,
                              answers: answers.map { (items[$0.position], $0.value) }, declined: declined, extra: extra, via: via)
    }
}

/// One answer of a `FastRecord`: the position of its item in the instrument, and its value.
public struct FastAnswer: Sendable, Equatable {
    public var position: Int
    public var value: Answer
}

/// 64 lower-case hex digits (a SHA-256 as text), held in place.
public struct HexDigest: Sendable, Equatable {
    private var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    /// The digits at `bytes`, when they are exactly 64 lower-case hex digits.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard Self.isDigest(bytes) else { return nil }
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
    }

    /// Whether `bytes` are exactly 64 lower-case hex digits: eight bytes at a time (a `prev` on
    /// every store line; the byte-by-byte test was about 1% of `waves validate`).
    public static func isDigest(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count == 64, let base = bytes.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        for k in 0..<8 {
            let w = base.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
            // Every byte ASCII, so adding to a byte below 0x80 never carries into the next one:
            // the high bit of `w + (0x80 - lo)` is set exactly where the byte is at least `lo`.
            guard w & highs == 0 else { return false }
            func atLeast(_ lo: UInt64) -> UInt64 { (w &+ ones &* (0x80 - lo)) & highs }
            let digit = atLeast(0x30) & ~atLeast(0x3A), letter = atLeast(0x61) & ~atLeast(0x67)
            guard digit | letter == highs else { return false }
        }
        return true
    }

    public func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try Swift.withUnsafeBytes(of: words, body)
    }

    public var hex: String { withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }

    public static func == (a: HexDigest, b: HexDigest) -> Bool { a.hex == b.hex }
}

/// The fast path of the commands that read whole records (`waves validate`, `waves quality`):
/// one store line straight into a `FastRecord`, without the strict decoder's String per key and
/// per answer id and its JSON values.
///
/// It reads with the strict `JSONReader` (one grammar: strings, numbers and literals go through
/// its own readers), but accepts only lines of the usual shape: record keys written as plain
/// ASCII, each at most once, only the keys of the contract plus `prev` (64 lower-case hex
/// digits), `batch`, `duration_ms`, `language`, and `timings` and `dont_know` (any JSON value,
/// read by the strict reader's `value()` as the strict decoder keeps them), the contract's value types, `instrument`
/// (exactly `id`, `version`, `sha256`, strings) before `answers`, an instrument of the plan, and
/// `answers` written without white space, each id an item of that instrument after the one
/// before (hidden items skipped), each value a number, a string or null. At anything else it
/// returns nil at once ("not sure"), and the caller hands the line to the strict decoder
/// (`ResponseRecord.decode`), which decides validity and gives the messages. So the strict
/// decoder stays the referee: on every line the fast path accepts, `FastRecord.record(items:)`
/// equals the strict record (`RecordFastDecoderTests`, on generated, mutated and hand-made lines).
///
/// Written by hand because no library here decodes JSON Lines into such records; it reuses the
/// strict reader's pieces and only adds the matching of answers to items. One decoder per thread.
public struct RecordFastDecoder: Sendable {
    /// The instruments whose answers can be matched: per instrument, its item ids in order.
    /// An instrument whose item ids repeat, or that is not in the plan, sends its lines to the
    /// strict decoder.
    public struct Plan: Sendable {
        let ids: [String]
        let index: [String: Int]
        let items: [ItemKeys]

        /// `instruments`: (id, item ids in order); the first instrument with an id is the one used.
        public init(_ instruments: [(id: String, items: [String])]) {
            var index: [String: Int] = [:], seen: Set<String> = []
            for (k, inst) in instruments.enumerated() where seen.insert(inst.id).inserted && Set(inst.items).count == inst.items.count {
                index[inst.id] = k
            }
            self.index = index
            ids = instruments.map(\.id)
            items = instruments.map { ItemKeys($0.items) }
        }

        /// The item ids of the instrument at `k`.
        public func itemIDs(_ k: Int) -> [String] { items[k].ids }
    }

    public let plan: Plan
    private var study = LastString(), role = LastString(), wave = LastString(), mode = LastString(), via = LastString()
    private var batch = LastString(), language = LastString()
    private var instrument: (ref: InstrumentRef, index: Int, bytes: [UInt8])?
    /// Reused from line to line: a caller that lets the record go before the next line keeps one buffer.
    private var answers: [FastAnswer] = []

    public init(_ plan: Plan) { self.plan = plan }

    private enum Key: Int {
        case format, id, study, participant, role, wave, instrument, startedAt, submittedAt, mode, via, answers, declined
        case prev, batch, durationMs, language, timings, dontKnow
        static let required: Int = (1 << format.rawValue) | (1 << id.rawValue) | (1 << study.rawValue) | (1 << participant.rawValue)
            | (1 << wave.rawValue) | (1 << instrument.rawValue) | (1 << submittedAt.rawValue) | (1 << mode.rawValue) | (1 << answers.rawValue)
    }

    private struct LineState {
        var seen = 0
        var formatOK = false
        var id = "", participant = "", submittedAt = "", studyValue = "", modeValue = ""
        var wave = ""
        var role: String?, startedAt: String?, via: String?, batch: String?, language: String?
        var instrument: InstrumentRef?
        var instrumentIndex = -1
        var declined: [String] = []
        var prev: HexDigest?
        var durationMs: Double?
        var timings: JSONValue?, dontKnow: JSONValue?
        var extraOrder: [FastRecord.ExtraKey] = []
    }

    /// The line as a record, or nil when the strict decoder must read it.
    public mutating func decode(line bytes: UnsafeRawBufferPointer) -> FastRecord? {
        guard let raw = bytes.baseAddress, bytes.count > 0 else { return nil }
        var reader = JSONReader(bytes, base: raw.assumingMemoryBound(to: UInt8.self), maxDepth: JSONParser.maxDepth)
        reader.skipWhitespace()
        guard reader.i < reader.end, reader.base[reader.i] == UInt8(ascii: "{") else { return nil }
        var line = LineState()
        answers.removeAll(keepingCapacity: true)
        do {
            try reader.visitMembers(keys: { (r: inout JSONReader, _: Int) throws(JSONReader.Stop) -> Key in
                guard let span = try r.rawString(), let key = Self.key(r.base, span) else { throw JSONReader.Stop() }
                return key
            }) { (r: inout JSONReader, key: Key) throws(JSONReader.Stop) in
                let bit = 1 << key.rawValue
                guard line.seen & bit == 0 else { throw JSONReader.Stop() }
                line.seen |= bit
                try read(key, &r, &line)
            }
            reader.skipWhitespace()
            if reader.i < reader.end { return nil }
        } catch {
            return nil
        }
        guard line.seen & Key.required == Key.required, line.formatOK, !line.participant.isEmpty, !line.wave.isEmpty,
              let instrument = line.instrument else { return nil }
        return FastRecord(id: line.id, study: line.studyValue, participant: line.participant, role: line.role, wave: line.wave,
                          instrument: instrument, instrumentIndex: line.instrumentIndex, startedAt: line.startedAt,
                          submittedAt: line.submittedAt, mode: line.modeValue, via: line.via, answers: answers, declined: line.declined,
                          prev: line.prev, batch: line.batch, durationMs: line.durationMs, language: line.language,
                          timings: line.timings, dontKnow: line.dontKnow, extraOrder: line.extraOrder)
    }

    /// The record key spelled by the name at `span`; nil for any other name.
    private static func key(_ base: UnsafePointer<UInt8>, _ span: Range<Int>) -> Key? {
        func is_(_ word: StaticString) -> Bool {
            span.count == word.utf8CodeUnitCount && memcmp(base + span.lowerBound, word.utf8Start, span.count) == 0
        }
        switch span.count {
        case 2: return is_("id") ? .id : nil
        case 3: return is_("via") ? .via : nil
        case 4: return is_("role") ? .role : is_("wave") ? .wave : is_("mode") ? .mode : is_("prev") ? .prev : nil
        case 5: return is_("study") ? .study : is_("batch") ? .batch : nil
        case 6: return is_("format") ? .format : nil
        case 7: return is_("answers") ? .answers : is_("timings") ? .timings : nil
        case 8: return is_("declined") ? .declined : is_("language") ? .language : nil
        case 9: return is_("dont_know") ? .dontKnow : nil
        case 10: return is_("instrument") ? .instrument : is_("started_at") ? .startedAt : nil
        case 11: return is_("participant") ? .participant : is_("duration_ms") ? .durationMs : nil
        case 12: return is_("submitted_at") ? .submittedAt : nil
        default: return nil
        }
    }

    private mutating func read(_ key: Key, _ r: inout JSONReader, _ line: inout LineState) throws(JSONReader.Stop) {
        let c = r.base[r.i]
        let quote = UInt8(ascii: "\"")
        func text() throws(JSONReader.Stop) -> String {
            guard c == quote else { throw JSONReader.Stop() }
            return try r.string()
        }
        func isNull() throws(JSONReader.Stop) -> Bool {
            guard c == UInt8(ascii: "n") else { return false }
            try r.literal("null")
            return true
        }
        switch key {
        case .format:
            guard c == quote, let span = try r.rawString() else { throw JSONReader.Stop() }
            line.formatOK = r.bytes(span, equal: "waves.response/1")
        case .id: line.id = try text()
        case .participant: line.participant = try text()
        case .submittedAt: line.submittedAt = try text()
        case .study: guard c == quote else { throw JSONReader.Stop() }; line.studyValue = try study.take(&r)
        case .wave: guard c == quote else { throw JSONReader.Stop() }; line.wave = try wave.take(&r)
        case .mode: guard c == quote else { throw JSONReader.Stop() }; line.modeValue = try mode.take(&r)
        case .role:
            if try isNull() { line.role = nil } else { guard c == quote else { throw JSONReader.Stop() }; line.role = try role.take(&r) }
        case .via:
            if try isNull() { line.via = nil } else { guard c == quote else { throw JSONReader.Stop() }; line.via = try via.take(&r) }
        case .startedAt:
            line.startedAt = try isNull() ? nil : try text()
        case .declined:
            if try isNull() { line.declined = []; return }
            guard c == UInt8(ascii: "[") else { throw JSONReader.Stop() }
            guard case .array(let a) = try r.value() else { throw JSONReader.Stop() }
            var list: [String] = []
            for v in a {
                guard case .string(let s) = v else { throw JSONReader.Stop() }
                list.append(s)
            }
            line.declined = list
        case .prev:
            guard c == quote, let span = try r.rawString(),
                  let digest = HexDigest(UnsafeRawBufferPointer(start: r.base + span.lowerBound, count: span.count)) else { throw JSONReader.Stop() }
            line.prev = digest
            line.extraOrder.append(.prev)
        case .batch:
            guard c == quote else { throw JSONReader.Stop() }
            line.batch = try batch.take(&r)
            line.extraOrder.append(.batch)
        case .language:
            guard c == quote else { throw JSONReader.Stop() }
            line.language = try language.take(&r)
            line.extraOrder.append(.language)
        case .durationMs:
            guard c == UInt8(ascii: "-") || JSONReader.isDigit(c) else { throw JSONReader.Stop() }
            line.durationMs = try r.number()
            line.extraOrder.append(.durationMs)
        case .timings:
            line.timings = try r.value()
            line.extraOrder.append(.timings)
        case .dontKnow:
            line.dontKnow = try r.value()
            line.extraOrder.append(.dontKnow)
        case .instrument: try readInstrument(&r, &line)
        case .answers:
            guard c == UInt8(ascii: "{"), line.instrument != nil, line.instrumentIndex >= 0 else { throw JSONReader.Stop() }
            try readAnswers(&r, plan.items[line.instrumentIndex])
        }
    }

    /// `{"id":…,"version":…,"sha256":…}`: exactly these three keys, in any order, strings; the
    /// same three as the line before reuse its `InstrumentRef`.
    private mutating func readInstrument(_ r: inout JSONReader, _ line: inout LineState) throws(JSONReader.Stop) {
        guard r.base[r.i] == UInt8(ascii: "{") else { throw JSONReader.Stop() }
        let start = r.i
        // The same bytes as the last line's object: that object again (a JSON object's bytes
        // decide where it ends, and the last one was read whole and found plain), without reading it.
        if let (ref, index, bytes) = instrument, r.end - start >= bytes.count,
           bytes.withUnsafeBytes({ memcmp($0.baseAddress!, r.base + start, $0.count) == 0 }) {
            r.i = start + bytes.count
            line.instrument = ref
            line.instrumentIndex = index
            return
        }
        var seen = 0
        var spans: [Range<Int>?] = [nil, nil, nil]
        var escaped = false
        try r.visitMembers(keys: { (r: inout JSONReader, _: Int) throws(JSONReader.Stop) -> Int in
            guard let span = try r.rawString() else { throw JSONReader.Stop() }
            if r.bytes(span, equal: "id") { return 0 }
            if r.bytes(span, equal: "version") { return 1 }
            if r.bytes(span, equal: "sha256") { return 2 }
            throw JSONReader.Stop()
        }) { (r: inout JSONReader, k: Int) throws(JSONReader.Stop) in
            guard seen & (1 << k) == 0, r.base[r.i] == UInt8(ascii: "\"") else { throw JSONReader.Stop() }
            seen |= 1 << k
            let at = r.i
            if let span = try r.rawString() { spans[k] = span } else { escaped = true; r.i = at; _ = try r.string() }
        }
        guard seen == 7 else { throw JSONReader.Stop() }
        let object = UnsafeRawBufferPointer(start: r.base + start, count: r.i - start)
        if !escaped, let (ref, index, bytes) = instrument, bytes.count == object.count,
           bytes.withUnsafeBytes({ memcmp($0.baseAddress!, object.baseAddress!, object.count) == 0 }) {
            line.instrument = ref
            line.instrumentIndex = index
        } else {
            // Read again for the Strings (escapes included), as the strict reader reads them.
            var again = r
            again.i = start
            var values = ["", "", ""]
            try again.visitMembers(keys: { (r: inout JSONReader, _: Int) throws(JSONReader.Stop) -> Int in
                let span = try r.rawString()!
                return r.bytes(span, equal: "id") ? 0 : r.bytes(span, equal: "version") ? 1 : 2
            }) { (r: inout JSONReader, k: Int) throws(JSONReader.Stop) in values[k] = try r.string() }
            let ref = InstrumentRef(id: values[0], version: values[1], sha256: values[2])
            line.instrument = ref
            line.instrumentIndex = plan.index[ref.id] ?? -1
            instrument = escaped ? nil : (ref, line.instrumentIndex, Array(object))
        }
    }

    /// The `answers` object (the reader on its `{`), written without white space: each name an
    /// item id of the instrument after the one before it (as the strict reader reads the name),
    /// each value a number, a string or null. Anything else stops the line.
    private mutating func readAnswers(_ r: inout JSONReader, _ keys: ItemKeys) throws(JSONReader.Stop) {
        let base = r.base, end = r.end
        var j = r.i + 1
        guard j < end else { throw JSONReader.Stop() }
        if base[j] == UInt8(ascii: "}") { r.i = j + 1; return }
        var next = 0
        while true {
            // The name: the next item's `"id":` as one word, else any later item's.
            guard let k = keys.match(base, at: j, end: end, from: next) else { throw JSONReader.Stop() }
            j += keys.lengths[k] + 3
            next = k + 1
            guard j + 1 < end else { throw JSONReader.Stop() }
            let c = base[j]
            let value: Answer
            if JSONReader.isDigit(c) && (base[j + 1] == UInt8(ascii: ",") || base[j + 1] == UInt8(ascii: "}")) {
                value = .number(Double(c &- UInt8(ascii: "0")))
                j += 1
            } else if c == UInt8(ascii: "-") || JSONReader.isDigit(c) {
                r.i = j
                value = .number(try r.number())
                j = r.i
            } else if c == UInt8(ascii: "n") {
                guard j + 4 <= end, base[j + 1] == UInt8(ascii: "u"), base[j + 2] == UInt8(ascii: "l"), base[j + 3] == UInt8(ascii: "l") else { throw JSONReader.Stop() }
                value = .missing
                j += 4
            } else if c == UInt8(ascii: "\"") {
                r.i = j
                value = .text(try r.string())
                j = r.i
            } else {
                throw JSONReader.Stop()
            }
            answers.append(FastAnswer(position: k, value: value))
            guard j < end else { throw JSONReader.Stop() }
            let d = base[j]
            j += 1
            if d == UInt8(ascii: ",") { continue }
            if d == UInt8(ascii: "}") { break }
            throw JSONReader.Stop()
        }
        r.i = j
    }
}

/// The item ids of one instrument as the names of `answers` are written: `"id":` as bytes, and
/// as one little-endian word when it fits in 8 bytes. An id that is not plain ASCII (or holds
/// a quote, a backslash or a control character) is never matched, so its lines go to the
/// strict decoder.
struct ItemKeys: Sendable {
    let ids: [String]
    /// `"id":` per item (empty when the id is not plain).
    private let patterns: [[UInt8]]
    let lengths: [Int]
    private let words: [UInt64]

    init(_ ids: [String]) {
        self.ids = ids
        var patterns: [[UInt8]] = [], lengths: [Int] = [], words: [UInt64] = []
        for id in ids {
            let plain = id.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
            let p = plain ? [UInt8(ascii: "\"")] + id.utf8 + [UInt8(ascii: "\""), UInt8(ascii: ":")] : []
            patterns.append(p)
            lengths.append(id.utf8.count)
            words.append(p.count > 0 && p.count <= 8 ? p.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) } : 0)
        }
        self.patterns = patterns; self.lengths = lengths; self.words = words
    }

    /// The position (at or after `from`) of the item whose `"id":` is at `j`, else nil.
    @inline(__always)
    func match(_ base: UnsafePointer<UInt8>, at j: Int, end: Int, from: Int) -> Int? {
        if from < patterns.count && words[from] != 0 && j + 8 <= end {
            let n = patterns[from].count
            let word = UInt64(littleEndian: UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self))
            let mask: UInt64 = n == 8 ? ~0 : (1 << (8 * UInt64(n))) - 1
            if word & mask == words[from] { return from }
        }
        var k = from
        while k < patterns.count {
            let p = patterns[k]
            if !p.isEmpty && j + p.count <= end && p.withUnsafeBufferPointer({ memcmp(base + j, $0.baseAddress!, p.count) == 0 }) { return k }
            k += 1
        }
        return nil
    }
}

/// The String of a field that is usually the same from line to line (study, wave, mode…):
/// reused when the raw bytes are those of the last line.
private struct LastString: Sendable {
    var bytes: [UInt8] = []
    var string = ""
    var valid = false

    /// Reads the string at the reader (its opening quote).
    mutating func take(_ r: inout JSONReader) throws(JSONReader.Stop) -> String {
        let at = r.i
        // The last line's bytes (plain: no quote, backslash, control or non-ASCII byte) and a
        // closing quote: that string again, without reading it.
        let last = bytes.count
        if valid && r.end - at >= last + 2 && r.base[at + 1 + last] == UInt8(ascii: "\"")
            && (last == 0 || bytes.withUnsafeBufferPointer({ memcmp(r.base + at + 1, $0.baseAddress!, last) == 0 })) {
            r.i = at + last + 2
            return string
        }
        guard let span = try r.rawString() else {
            r.i = at
            valid = false
            return try r.string()
        }
        let n = span.count
        string = r.makeString(from: span.lowerBound, to: span.upperBound)
        bytes = Array(UnsafeBufferPointer(start: r.base + span.lowerBound, count: n))
        valid = true
        return string
    }
}
