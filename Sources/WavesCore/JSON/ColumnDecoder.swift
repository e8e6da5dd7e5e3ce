import Foundation

/// The fast path of the store's columnar scan: one line straight into a `ColumnRecord`.
///
/// It reads with the strict `JSONReader` (one JSON grammar), but accepts only lines whose
/// meaning is certain: record keys written as plain ASCII (a key with an escape or a
/// non-ASCII byte is not matched in place), each at most once, the contract's value types,
/// `answers` after `instrument`, answer values that are numbers, strings or null, and answer
/// ids that are distinct. For anything else (invalid JSON, a record error, a repeated key,
/// an unusual shape) it returns nil and the caller hands the line to the strict decoder
/// (`ResponseRecord.decode`), which decides validity and gives the located message. So the
/// strict decoder stays the referee: both agree on every line the fast path accepts
/// (`ColumnScanTests` checks this on generated and mutated stores).
///
/// Written by hand because no library here decodes JSON into columns; one decoder per thread.
public struct ColumnDecoder: Sendable {
    public let request: ColumnRequest
    /// Per instrument: the answer ids of the last line read, in order, with their column.
    private var orders: [String: KeyOrder] = [:]
    /// Per instrument: the column of each requested item id.
    private let columnOf: [String: [String: Int]]
    /// The instrument of the last line with answers, its columns and answer order (lines of one
    /// instrument usually follow each other, so the dictionaries above are rarely consulted).
    private var current: (id: String, columns: [String: Int]?, width: Int, order: KeyOrder)?

    /// Whether `answers` objects of the usual shape are read by the tight loop
    /// (`KeyOrder.fastAnswers`); off, every object goes through the general loop (tests compare the two).
    let tightAnswers: Bool

    /// Where this decoder puts the rows' numbers (`ColumnValues`); made on first use, and again
    /// when full or when this decoder runs on another thread than the one that made it.
    private var slab: ValueSlab?

    /// The record's member names as the last line wrote them (lines of one store write the same
    /// names in the same order), so a name is known by one comparison of its bytes.
    private var names = NameOrder()

    /// The participant, wave, role, instrument and (when kept) the instrument's version and
    /// SHA-256 of the last line, as Strings: a line with the same bytes gets the same String
    /// without making one (`JSONReader.string(reusing:)`). The same String also compares equal
    /// at once on the consuming thread (a 64-byte SHA-256 per line was compared byte by byte).
    private var lastTexts = (participant: LastText(), wave: LastText(), role: LastText(), instrument: LastText(),
                             version: LastText(), sha256: LastText())

    /// Member names in order, each as its bytes with the quotes (`"wave"`) and the key it spells.
    /// A name matched byte for byte spells the same key (the key is a function of the bytes and
    /// of `marks`, fixed per decoder), so a stale or shifted order only costs a miss.
    private struct NameOrder {
        private var bytes: [UInt8] = []
        private var ends: [Int] = []
        private var keys: [Key] = []
        /// Per name of at most 16 bytes (every record key): its bytes as two little-endian words
        /// with the masks of its length, compared in place of `memcmp`.
        private var words: [(low: UInt64, high: UInt64, lowMask: UInt64, highMask: UInt64)] = []

        /// The key of the name at the reader (its opening quote) when it is the name at `index`
        /// byte for byte; the reader then stands after its closing quote. Else nil, reader unmoved.
        @inline(__always)
        func match(_ r: inout JSONReader, at index: Int) -> Key? {
            guard index < keys.count else { return nil }
            let from = index == 0 ? 0 : ends[index - 1], n = ends[index] - from
            if n <= 16 && r.i + 16 <= r.end {
                let w = words[index], at = UnsafeRawPointer(r.base + r.i)
                guard UInt64(littleEndian: at.loadUnaligned(as: UInt64.self)) & w.lowMask == w.low,
                      UInt64(littleEndian: at.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) & w.highMask == w.high else { return nil }
                r.i += n
                return keys[index]
            }
            guard r.i + n <= r.end, bytes.withUnsafeBufferPointer({ memcmp(r.base + r.i, $0.baseAddress! + from, n) }) == 0 else { return nil }
            r.i += n
            return keys[index]
        }

        /// Remembers the name read at `span` (quotes included) as the one at `index`.
        mutating func record(_ base: UnsafePointer<UInt8>, _ span: Range<Int>, key: Key, at index: Int) {
            forget(from: index)
            guard keys.count == index else { return }  // a name before it was not kept (escaped)
            let name = UnsafeBufferPointer(start: base + span.lowerBound, count: span.count)
            bytes.append(contentsOf: name)
            ends.append(bytes.count)
            keys.append(key)
            func word(_ part: Slice<UnsafeBufferPointer<UInt8>>) -> (UInt64, UInt64) {
                var value: UInt64 = 0, mask: UInt64 = 0
                for (k, b) in part.enumerated() { value |= UInt64(b) << (8 * UInt64(k)); mask |= 0xFF << (8 * UInt64(k)) }
                return (value, mask)
            }
            let (low, lowMask) = word(name.prefix(8)), (high, highMask) = word(name.dropFirst(8).prefix(8))
            words.append((low, high, lowMask, highMask))
        }

        mutating func forget(from index: Int) {
            guard index < keys.count else { return }
            bytes.removeSubrange((index == 0 ? 0 : ends[index - 1])...)
            ends.removeSubrange(index...)
            keys.removeSubrange(index...)
            words.removeSubrange(index...)
        }
    }

    public init(_ request: ColumnRequest, tightAnswers: Bool = true) {
        self.request = request
        self.tightAnswers = tightAnswers
        columnOf = request.columns.mapValues { ids in
            Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// The record keys the fast path knows, as bits of a mask (a repeated one sends the line to
    /// the strict path).
    private enum Key: Int {
        case format, id, study, participant, role, wave, instrument, startedAt, submittedAt, mode, via, answers, declined, batch
        /// `dont_know`, known only when the request keeps the marks (else one of the other keys).
        case dontKnow
        case other
        /// A key with an escape or a non-ASCII byte: it may spell a record key, so the line is unsure.
        case escaped
        static let required: [Key] = [.format, .id, .study, .participant, .wave, .instrument, .submittedAt, .mode, .answers]
    }

    private struct Unsure: Error {}

    /// The line's columns, or nil when the strict decoder must read it.
    public mutating func decode(line bytes: UnsafeRawBufferPointer) -> ColumnRecord? {
        guard let raw = bytes.baseAddress, bytes.count > 0 else { return nil }
        var reader = JSONReader(bytes, base: raw.assumingMemoryBound(to: UInt8.self), maxDepth: JSONParser.maxDepth)
        reader.skipWhitespace()
        guard reader.i < reader.end, reader.base[reader.i] == UInt8(ascii: "{") else { return nil }
        var line = LineState()
        let marks = request.marks
        // A line the fast path does not take gives back the room its numbers took.
        let slabBefore = slab, usedBefore = slab?.used ?? 0
        var accepted = false
        defer {
            if !accepted, let s = slab { s.used = s === slabBefore ? usedBefore : 0 }
        }
        do {
            var names = self.names
            defer { self.names = names }
            try reader.visitMembers(keys: { (r: inout JSONReader, index: Int) throws(JSONReader.Stop) -> Key in
                if let key = names.match(&r, at: index) { return key }
                let start = r.i
                guard let span = try r.rawString() else { names.forget(from: index); return .escaped }
                let key = Self.key(r.base, span, marks: marks)
                names.record(r.base, start..<r.i, key: key, at: index)
                return key
            }) { (r: inout JSONReader, key: Key) throws(JSONReader.Stop) in
                if key.rawValue < Key.other.rawValue {
                    let bit = 1 << key.rawValue
                    if line.seen & bit != 0 { line.unsure = true }
                    line.seen |= bit
                } else if key == .escaped {
                    line.unsure = true
                }
                try read(key, &r, &line)
            }
            reader.skipWhitespace()
            if reader.i < reader.end { return nil }
        } catch {
            return nil
        }
        if line.unsure { return nil }
        for k in Key.required where line.seen & (1 << k.rawValue) == 0 { return nil }
        guard line.formatOK, let participant = line.participant, !participant.isEmpty, let wave = line.wave, !wave.isEmpty,
              let instrument = line.instrument, let submittedAt = line.submittedAt else { return nil }
        if let newOrder = line.newOrder {
            guard Set(newOrder.ids).count == newOrder.ids.count else { return nil }
            current?.order = newOrder
        }
        accepted = true
        return ColumnRecord(id: line.id, participant: participant, role: line.role, wave: wave, instrument: instrument,
                            version: line.version, sha256: line.sha256, submittedAt: submittedAt, batch: line.batch,
                            values: line.values, texts: line.texts, declined: line.declined, dontKnow: line.dontKnow)
    }

    private struct LineState {
        var seen = 0
        var unsure = false
        var formatOK = false
        var participant: String?, role: String?, wave: String?, instrument: String?, submittedAt: String?, batch: String?
        var version = "", sha256 = ""
        var id = ""
        var values = ColumnValues()
        /// Where the numbers of `values` are written while the line is read.
        var valuesRoom = UnsafeMutableBufferPointer<Double>(start: nil, count: 0)
        var texts: [ColumnText] = []
        var declined: [String] = [], dontKnow: [String] = []
        /// The answer ids of this line when they differ from the cached order.
        var newOrder: KeyOrder?
        /// The position of the answer being read.
        var answerIndex = 0
    }

    /// The record key spelled by the name at `span` (the reader's bytes are passed as a pointer:
    /// passing the reader itself copied it for every member).
    private static func key(_ base: UnsafePointer<UInt8>, _ span: Range<Int>, marks: Bool) -> Key {
        let r = NameBytes(base: base)
        switch span.count {
        case 2: return r.bytes(span, equal: "id") ? .id : .other
        case 3: return r.bytes(span, equal: "via") ? .via : .other
        case 4:
            if r.bytes(span, equal: "role") { return .role }
            if r.bytes(span, equal: "wave") { return .wave }
            if r.bytes(span, equal: "mode") { return .mode }
            return .other
        case 5:
            if r.bytes(span, equal: "study") { return .study }
            if r.bytes(span, equal: "batch") { return .batch }
            return .other
        case 6: return r.bytes(span, equal: "format") ? .format : .other
        case 7: return r.bytes(span, equal: "answers") ? .answers : .other
        case 8: return r.bytes(span, equal: "declined") ? .declined : .other
        case 9: return marks && r.bytes(span, equal: "dont_know") ? .dontKnow : .other
        case 10:
            if r.bytes(span, equal: "instrument") { return .instrument }
            if r.bytes(span, equal: "started_at") { return .startedAt }
            return .other
        case 11: return r.bytes(span, equal: "participant") ? .participant : .other
        case 12: return r.bytes(span, equal: "submitted_at") ? .submittedAt : .other
        default: return .other
        }
    }

    /// Reads one member's value. Anything outside the certain shapes marks the line unsure
    /// (the value is still read, so the grammar is checked to the end of the line).
    private mutating func read(_ key: Key, _ r: inout JSONReader, _ line: inout LineState) throws(JSONReader.Stop) {
        let c = r.base[r.i]
        let isString = c == UInt8(ascii: "\"")
        func text(_ r: inout JSONReader) throws(JSONReader.Stop) -> String? {
            guard isString else { line.unsure = true; _ = try r.value(); return nil }
            return try r.string()
        }
        func text(_ r: inout JSONReader, _ last: inout LastText) throws(JSONReader.Stop) -> String? {
            guard isString else { line.unsure = true; _ = try r.value(); return nil }
            return try r.string(reusing: &last)
        }
        switch key {
        case .format:
            guard isString else { line.unsure = true; _ = try r.value(); return }
            if let span = try r.rawString() { line.formatOK = r.bytes(span, equal: "waves.response/1") }
        case .participant: line.participant = try text(&r, &lastTexts.participant)
        case .wave: line.wave = try text(&r, &lastTexts.wave)
        case .submittedAt: line.submittedAt = try text(&r)
        case .batch: line.batch = try text(&r)
        case .role:
            if c == UInt8(ascii: "n") { try r.literal("null"); line.role = nil } else { line.role = try text(&r, &lastTexts.role) }
        case .id where request.ids:
            line.id = try text(&r) ?? ""
        case .id, .study, .mode:
            if isString { _ = try r.rawString() } else { line.unsure = true; _ = try r.value() }
        case .startedAt, .via:
            if isString { _ = try r.rawString() } else if c == UInt8(ascii: "n") { try r.literal("null") } else { line.unsure = true; _ = try r.value() }
        case .declined:
            // The usual `[]` at once (no value tree for an empty list).
            if r.i + 1 < r.end, c == UInt8(ascii: "["), r.base[r.i + 1] == UInt8(ascii: "]") { r.i += 2; return }
            // As the strict decoder: null is none; anything but a list of strings, its error.
            switch try r.value() {
            case .null: break
            case .array(let a) where a.allSatisfy({ $0.stringValue != nil }):
                if request.marks { line.declined = a.map { $0.stringValue! } }
            default: line.unsure = true
            }
        case .dontKnow:
            // An optional key (`ResponseRecord.dontKnow`): null or a list of strings is certain;
            // another shape the strict decoder reads as some or none of it, so it decides.
            switch try r.value() {
            case .null: break
            case .array(let a) where a.allSatisfy({ $0.stringValue != nil }): line.dontKnow = a.map { $0.stringValue! }
            default: line.unsure = true
            }
        case .instrument: try readInstrument(&r, &line)
        case .answers: try readAnswers(&r, &line)
        case .other, .escaped:
            if isString { _ = try r.rawString() } else { _ = try r.value() }
        }
    }

    private mutating func readInstrument(_ r: inout JSONReader, _ line: inout LineState) throws(JSONReader.Stop) {
        guard r.base[r.i] == UInt8(ascii: "{") else { line.unsure = true; _ = try r.value(); return }
        var seen = 0
        let keep = request.versions
        try r.visitMembers(keys: { (r: inout JSONReader, _: Int) throws(JSONReader.Stop) -> Int in
            guard let span = try r.rawString() else { return 3 }
            if r.bytes(span, equal: "id") { return 0 }
            if r.bytes(span, equal: "version") { return 1 }
            if r.bytes(span, equal: "sha256") { return 2 }
            return 3
        }) { (r: inout JSONReader, k: Int) throws(JSONReader.Stop) in
            guard k < 3, seen & (1 << k) == 0, r.base[r.i] == UInt8(ascii: "\"") else {
                line.unsure = true
                _ = try r.value()
                return
            }
            seen |= 1 << k
            if k == 0 { line.instrument = try r.string(reusing: &lastTexts.instrument) }
            else if keep {
                if k == 1 { line.version = try r.string(reusing: &lastTexts.version) } else { line.sha256 = try r.string(reusing: &lastTexts.sha256) }
            }
            else { _ = try r.rawString() }
        }
        if seen & 1 == 0 { line.unsure = true }
    }

    private mutating func readAnswers(_ r: inout JSONReader, _ line: inout LineState) throws(JSONReader.Stop) {
        guard r.base[r.i] == UInt8(ascii: "{"), let instrument = line.instrument else {
            line.unsure = true
            _ = try r.value()
            return
        }
        if current?.id != instrument {
            if let c = current { orders[c.id] = c.order }
            current = (instrument, columnOf[instrument], request.columns[instrument]?.count ?? 0, orders[instrument] ?? KeyOrder())
        }
        let columns = current!.columns
        if columns != nil && current!.width > 0 { reserve(current!.width, &line) }
        let cached = current!.order
        let keepTexts = request.texts
        // The usual line: the cached ids in order, numbers, no white space. Read in one tight
        // loop; at anything else the loop stops, and the object is read again from its start
        // by the general loop below (which decides validity and reads texts and new orders).
        let start = r.i
        if tightAnswers, let count = cached.fastAnswers(&r, values: line.valuesRoom, texts: &line.texts, keepTexts: keepTexts) {
            line.answerIndex = count
            return
        }
        r.i = start
        line.valuesRoom.update(repeating: .nan)
        line.texts = []
        var fresh: KeyOrder?  // set at the first id that differs from the cached order
        try r.visitMembers(keys: { (r: inout JSONReader, index: Int) throws(JSONReader.Stop) -> Int in
            if fresh == nil, let column = cached.match(&r, at: index) { return column }
            if fresh == nil { fresh = cached.prefix(index) }
            let id = try r.string()
            let column = columns?[id] ?? -1
            fresh!.append(id, column: column)
            return column
        }) { (r: inout JSONReader, column: Int) throws(JSONReader.Stop) in
            switch r.base[r.i] {
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let v = try r.number()
                if column >= 0 { line.valuesRoom[column] = v }
            case UInt8(ascii: "n"):
                try r.literal("null")
            case UInt8(ascii: "\""):
                if keepTexts {
                    let t = try r.string()
                    line.texts.append(ColumnText(item: "", text: t))
                    line.texts[line.texts.count - 1].item = fresh?.lastID ?? cached.id(at: line.answerIndex)
                } else {
                    _ = try r.rawString()
                }
            default:
                line.unsure = true
                _ = try r.value()
            }
            line.answerIndex += 1
        }
        line.newOrder = fresh
    }

    /// Room for `width` numbers of this line in the slab, all NaN.
    private mutating func reserve(_ width: Int, _ line: inout LineState) {
        let fits = slab.map { $0.used + width <= $0.capacity && pthread_equal($0.owner, pthread_self()) != 0 } ?? false
        if !fits { slab = ValueSlab(capacity: max(ValueSlab.standardCapacity, width)) }
        let s = slab!
        line.valuesRoom = UnsafeMutableBufferPointer(start: s.base + s.used, count: width)
        line.valuesRoom.initialize(repeating: .nan)
        line.values = ColumnValues(slab: s, start: s.used, count: width)
        s.used += width
    }
}

/// A member name's bytes compared with a known word, in place.
private struct NameBytes {
    let base: UnsafePointer<UInt8>
    @inline(__always)
    func bytes(_ span: Range<Int>, equal word: StaticString) -> Bool {
        span.count == word.utf8CodeUnitCount && memcmp(base + span.lowerBound, word.utf8Start, span.count) == 0
    }
}

/// The answer ids of one instrument's last line, in order, with their columns (-1: not asked for).
///
/// Lines of one instrument list the same ids in the same order, so an id whose raw bytes equal
/// the cached one at its position is taken without making a String. Ids with escapes or
/// non-ASCII bytes are never matched in place (their `bytes` are empty).
struct KeyOrder: Sendable {
    private(set) var ids: [String] = []
    private var bytes: [[UInt8]] = []
    private var columns: [Int] = []

    /// Per id: `"id":` as the little-endian bytes of one word when it fits in 8 bytes (the
    /// usual short item id), else 0; and its length (0 when the id is not plain).
    private var words: [UInt64] = []
    private var wordLengths: [Int] = []

    mutating func append(_ id: String, column: Int) {
        ids.append(id)
        columns.append(column)
        let plain = id.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        bytes.append(plain ? Array(id.utf8) : [])
        let pattern = [UInt8(ascii: "\"")] + id.utf8 + [UInt8(ascii: "\""), UInt8(ascii: ":")]
        if plain && pattern.count <= 8 {
            words.append(pattern.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
            wordLengths.append(pattern.count)
        } else {
            words.append(0)
            wordLengths.append(0)
        }
    }

    func prefix(_ n: Int) -> KeyOrder {
        var o = KeyOrder()
        o.ids = Array(ids.prefix(n)); o.bytes = Array(bytes.prefix(n)); o.columns = Array(columns.prefix(n))
        o.words = Array(words.prefix(n)); o.wordLengths = Array(wordLengths.prefix(n))
        return o
    }

    /// Reads an `answers` object (the reader on its `{`) of the usual shape in one loop: each
    /// name the cached id at its position written as `"id":` with no white space (a short id
    /// compared as one word), each value a number (one digit before `,` or `}` taken at once,
    /// any other through `JSONReader.number`), `null`, or a string (appended to `texts` with its
    /// id when `keepTexts`); members separated by `,` alone. Puts each number in its column of `values` and returns
    /// the number of members, the reader after the `}`. At anything else returns nil, with the
    /// reader anywhere: the caller reads the object again with the general loop, which then
    /// decides (so this loop only ever accepts what the general loop accepts, with the same values;
    /// `ColumnScanTests` compares them on generated and mutated lines).
    ///
    /// Written by hand: it is the innermost loop of the store scan (40 answers per line in the
    /// benchmark study), where the general member walk's white-space and name handling dominated.
    func fastAnswers(_ r: inout JSONReader, values: UnsafeMutableBufferPointer<Double>, texts: inout [ColumnText], keepTexts: Bool) -> Int? {
        let base = r.base, end = r.end
        var j = r.i + 1
        guard j < end else { return nil }
        if base[j] == UInt8(ascii: "}") { r.i = j + 1; return 0 }
        var k = 0
        while true {
            guard k < ids.count else { return nil }
            let n = wordLengths[k]
            if n > 0 && j + 8 <= end {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self))
                let mask: UInt64 = n == 8 ? ~0 : (1 << (8 * UInt64(n))) - 1
                guard word & mask == words[k] else { return nil }
                j += n
            } else {
                // A long id, or near the line's end: the general loop's own match.
                r.i = j
                guard match(&r, at: k) != nil else { return nil }
                j = r.i
                guard j < end, base[j] == UInt8(ascii: ":") else { return nil }
                j += 1
            }
            guard j + 1 < end else { return nil }
            let c = base[j]
            var value = Double.nan
            if JSONReader.isDigit(c) && (base[j + 1] == UInt8(ascii: ",") || base[j + 1] == UInt8(ascii: "}")) {
                value = Double(c &- UInt8(ascii: "0"))
                j += 1
            } else if c == UInt8(ascii: "-") || JSONReader.isDigit(c) {
                r.i = j
                do { value = try r.number() } catch { return nil }
                j = r.i
            } else if c == UInt8(ascii: "n") {
                guard j + 4 <= end, base[j + 1] == UInt8(ascii: "u"), base[j + 2] == UInt8(ascii: "l"), base[j + 3] == UInt8(ascii: "l") else { return nil }
                j += 4
            } else if c == UInt8(ascii: "\"") {
                r.i = j
                do {
                    if keepTexts { texts.append(ColumnText(item: ids[k], text: try r.string())) } else { _ = try r.rawString() }
                } catch { return nil }
                j = r.i
            } else {
                return nil
            }
            let column = columns[k]
            if column >= 0 && !value.isNaN { values[column] = value }
            k += 1
            guard j < end else { return nil }
            let d = base[j]
            j += 1
            if d == UInt8(ascii: ",") { continue }
            if d == UInt8(ascii: "}") { break }
            return nil
        }
        r.i = j
        return k
    }

    var lastID: String { ids.last ?? "" }
    func id(at index: Int) -> String { index < ids.count ? ids[index] : "" }

    /// The column of the id at `index` when the name at the reader (its opening quote) is that
    /// id byte for byte; the reader then stands after the closing quote. Else nil, reader unmoved.
    @inline(__always)
    func match(_ r: inout JSONReader, at index: Int) -> Int? {
        guard index < ids.count else { return nil }
        let start = r.i + 1
        let n = bytes[index].count
        guard n > 0, start + n < r.end, r.base[start + n] == UInt8(ascii: "\"") else { return nil }
        let same = bytes[index].withUnsafeBufferPointer { memcmp(r.base + start, $0.baseAddress!, n) == 0 }
        guard same else { return nil }
        r.i = start + n + 1
        return columns[index]
    }
}

/// A string value last read (`JSONReader.string(reusing:)`): its bytes and the String made of them.
struct LastText: Sendable {
    fileprivate var bytes: [UInt8] = []
    fileprivate var string = ""
}

extension JSONReader {
    /// `string()`, giving the String of `last` when the value's bytes are plain ASCII equal to
    /// its bytes (a String of the same bytes is the same String), else making one and keeping it
    /// in `last` when plain. Lines of a store repeat their wave, role and instrument.
    @inline(__always)
    mutating func string(reusing last: inout LastText) throws(Stop) -> String {
        i += 1
        let start = i
        guard let span = try plainRun(from: start) else { return try stringSlow(contentStart: start) }
        let n = span.count
        if n == last.bytes.count, last.bytes.withUnsafeBufferPointer({ n == 0 || memcmp(base + span.lowerBound, $0.baseAddress!, n) == 0 }) {
            return last.string
        }
        last.string = makeString(from: span.lowerBound, to: span.upperBound)
        last.bytes = Array(UnsafeBufferPointer(start: base + span.lowerBound, count: n))
        return last.string
    }
}
