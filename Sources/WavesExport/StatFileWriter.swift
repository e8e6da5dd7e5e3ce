import Foundation
import WavesCore
internal import CReadStat

/// Writes an export plan as an SPSS `.sav` or Stata `.dta` file through ReadStat.
///
/// The two passes (measure, then label sets, variables, strL references and rows) are the
/// same for both formats; what differs is the format's `StatFileFormat` strategy (`SavFormat`,
/// `DtaFormat`: labels, missing codes, string widths, display formats). The file timestamp is the
/// latest exported submission (its date under `--dates date`, 1970-01-01 under
/// `--dates drop`), shown as UTC, so the same data give the same bytes.
enum StatFileWriter {
    enum Kind: Sendable { case sav, dta }

    /// Pass-1 facts about a variable's values.
    struct Measured: Sendable, Equatable {
        var maxBytes = 0
        var allIntegers = true
    }

    /// `chunk`: rows per piece of pass 1 (tests give small ones: every size writes the same file).
    static func write(_ plan: ExportPlan, kind: Kind, to target: OutputTarget, chunk: Int = CSVExporter.chunk) throws -> [String] {
        let format: StatFileFormat = kind == .sav ? SavFormat() : DtaFormat()
        let url = target.url
        let file = url.lastPathComponent
        var notes: [String] = []
        let (measured, latest) = measure(plan, chunk: chunk)
        let isString = plan.variables.map(\.isString)
        let sources = plan.cellSources
        let latestStamp = latest.map(plan.table.stamp) ?? ""
        var reader = ExportRowReader(plan)

        guard let writer = readstat_writer_init() else { throw ExportError.readStat(file: file, operation: "start a writer", message: "out of memory") }
        defer { readstat_writer_free(writer) }
        let sink = FileSink()
        try sink.open(target)
        defer { sink.discard() }

        func check(_ code: readstat_error_t, _ op: String) throws {
            if code != READSTAT_OK {
                throw ExportError.readStat(file: file, operation: op, message: String(cString: readstat_error_message(code)))
            }
        }
        try check(readstat_set_data_writer(writer, { data, len, ctx in
            guard let ctx, let data else { return -1 }
            let sink = Unmanaged<FileSink>.fromOpaque(ctx).takeUnretainedValue()
            sink.append(UnsafeRawBufferPointer(start: data, count: len))
            do { try sink.flushIfLarge() } catch { return -1 }
            return len
        }), "set the data writer")

        try format.configure(writer, title: TextLimits.oneLine(plan.study.title), check: check)
        try check(readstat_writer_set_file_timestamp(writer, fileTimestamp(latest: latestStamp, dates: plan.dates)), "set the file timestamp")

        // Value label sets, one per response set (shared by the variables that use it).
        var labelSets: [String: UnsafeMutablePointer<readstat_label_set_t>] = [:]
        var setNamer = VariableNamer(.stata)
        var unlabelled: [String] = []
        for v in plan.variables where !v.options.isEmpty {
            guard let key = v.labelSetKey, labelSets[key] == nil else { continue }
            let name = setNamer.name(for: key.replacingOccurrences(of: ".", with: "_"))
            let (set, skipped) = format.labelSet(writer, for: v, name: name)
            if skipped { unlabelled.append(key) }
            if let set { labelSets[key] = set }
        }
        if let note = format.skippedLabelsNote(unlabelled, file: file) { notes.append(note) }

        // Variables.
        var handles: [UnsafeMutablePointer<readstat_variable_t>] = []
        var isRef = Array(repeating: false, count: plan.variables.count)
        var cutStrings = 0
        for (i, v) in plan.variables.enumerated() {
            let fileName = format.fileName(v)
            let label = TextLimits.oneLine(v.label(fileName: fileName))
            let handle: UnsafeMutablePointer<readstat_variable_t>?
            if v.isString {
                (handle, isRef[i]) = format.addString(writer, name: fileName, width: max(1, measured[i].maxBytes))
            } else {
                handle = readstat_add_variable(writer, fileName, READSTAT_TYPE_DOUBLE, 0)
            }
            guard let h = handle else { throw ExportError.readStat(file: file, operation: "add variable \(fileName)", message: "out of memory") }
            try format.describe(h, v, label: label, width: measured[i].maxBytes, allIntegers: measured[i].allIntegers, check: check)
            if let key = v.labelSetKey, let set = labelSets[key] { readstat_variable_set_label_set(h, set) }
            handles.append(h)
        }

        // Stata strL values must all be known before the file begins (its map records where
        // they go): one reference per text cell, and one shared empty string for missing cells.
        var refs: [[UnsafeMutablePointer<readstat_string_ref_t>]?] = Array(repeating: nil, count: plan.variables.count)
        if isRef.contains(true) {
            var emptyRef: UnsafeMutablePointer<readstat_string_ref_t>?
            for i in plan.variables.indices where isRef[i] {
                var column: [UnsafeMutablePointer<readstat_string_ref_t>] = []
                column.reserveCapacity(plan.rows.count)
                for row in plan.rows {
                    if let text = stringValue(plan.cell(i, row)), !text.isEmpty {
                        guard let r = readstat_add_string_ref(writer, text) else { throw ExportError.readStat(file: file, operation: "store a long text", message: "out of memory") }
                        column.append(r)
                    } else {
                        if emptyRef == nil { emptyRef = readstat_add_string_ref(writer, "") }
                        guard let r = emptyRef else { throw ExportError.readStat(file: file, operation: "store a long text", message: "out of memory") }
                        column.append(r)
                    }
                }
                refs[i] = column
            }
        }

        let ctx = Unmanaged.passUnretained(sink).toOpaque()
        try check(format.begin(writer, ctx, rows: plan.rows.count), "begin the file")
        try check(readstat_validate_metadata(writer), "check the file's metadata")
        for h in handles { try check(readstat_validate_variable(writer, h), "check variable \(String(cString: readstat_variable_get_name(h)))") }

        // Pass 2: the rows. ReadStat must not be called again after an error. A time stamp no
        // longer than any string may be goes to ReadStat from its bytes (NUL-terminated in `cString`).
        var cString: [CChar] = []
        func insertStamp(_ h: UnsafeMutablePointer<readstat_variable_t>, _ b: UnsafeBufferPointer<UInt8>) -> readstat_error_t? {
            guard b.count <= TextLimits.spssStringWidth else { return nil }
            cString.removeAll(keepingCapacity: true)
            for c in b { cString.append(CChar(bitPattern: c)) }
            cString.append(0)
            return readstat_insert_string_value(writer, h, cString)
        }
        try withExtendedLifetime(sink) {
            for (r, row) in plan.rows.enumerated() {
                reader.load(row)
                try check(readstat_begin_row(writer), "start a row")
                for i in 0..<plan.variables.count {
                    let h = handles[i]
                    if let column = refs[i] {
                        let code = readstat_insert_string_ref(writer, h, column[r])
                        if code != READSTAT_OK { try check(code, "write \(String(cString: readstat_variable_get_name(h)))") }
                        continue
                    }
                    if case .submitted(let slot) = sources[i], let k = reader.submission(slot),
                       let inserted = reader.withShownStamp(k, { insertStamp(h, $0) }), let code = inserted {
                        if code != READSTAT_OK { try check(code, "write \(String(cString: readstat_variable_get_name(h)))") }
                        continue
                    }
                    let code: readstat_error_t
                    switch reader.cell(i) {
                    case .missing:
                        code = readstat_insert_missing_value(writer, h)
                    case .declined:
                        code = isString[i] ? readstat_insert_missing_value(writer, h) : format.insertDeclined(writer, h, plan.variables[i])
                    case .dontKnow:
                        code = isString[i] ? readstat_insert_missing_value(writer, h) : format.insertDontKnow(writer, h, plan.variables[i])
                    case .number(let d):
                        if isString[i] { code = readstat_insert_string_value(writer, h, stringValue(.number(d))) }
                        else { code = readstat_insert_double_value(writer, h, d) }
                    case .text(let s):
                        if !isString[i] { code = readstat_insert_missing_value(writer, h); break }
                        let fitted = format.fit(s)
                        if fitted.cut { cutStrings += 1 }
                        code = readstat_insert_string_value(writer, h, fitted.text)
                    }
                    if code != READSTAT_OK { try check(code, "write \(String(cString: readstat_variable_get_name(h)))") }
                }
                try check(readstat_end_row(writer), "finish a row")
                if let failure = sink.failure { throw ExportError.cannotWrite(path: url.path, reason: failure) }
            }
            try check(readstat_end_writing(writer), "finish the file")
            if let failure = sink.failure { throw ExportError.cannotWrite(path: url.path, reason: failure) }
            try sink.commit()
        }
        if cutStrings > 0 {
            notes.append("\(cutStrings) text answer(s) longer than \(TextLimits.spssStringWidth) bytes were cut to fit an SPSS string in \(file) (the CSV exports keep them whole).")
        }
        return notes
    }

    /// Pass 1: per variable the widest value in bytes (of every value a string variable is
    /// written with, numbers on a text item included) and whether its numbers are whole; and
    /// the submission with the latest time of the exported rows (every slot of a row; of equal
    /// times the first). Cells are read by an `ExportRowReader`, time stamps as bytes.
    static func measure(_ plan: ExportPlan, chunk: Int = CSVExporter.chunk) -> (measured: [Measured], latest: Int?) {
        // Pieces of `chunk` rows are measured on every core (`Parallel.forEachChunk`)
        // and merged in order: widths by their maximum, whole numbers by all pieces, the latest
        // time by the same rule as row by row (a later one replaces only when strictly after,
        // so of equal times the first is kept, within a piece and across pieces).
        var measured = Array(repeating: Measured(), count: plan.variables.count)
        var latest: Int?
        let isString = plan.variables.map(\.isString)
        let sources = plan.cellSources
        Parallel.forEachChunk(0..<plan.rows.count, chunk: chunk, { range -> (measured: [Measured], latest: Int?) in
            var measured = Array(repeating: Measured(), count: plan.variables.count)
            var latest: Int?
            var reader = ExportRowReader(plan)
            for row in plan.rows[range] {
                reader.load(row)
                for i in 0..<plan.variables.count {
                    if case .submitted(let slot) = sources[i], let k = reader.submission(slot), let n = reader.withShownStamp(k, { $0.count }) {
                        measured[i].maxBytes = max(measured[i].maxBytes, n)
                        continue
                    }
                    let cell = reader.cell(i)
                    if isString[i] {
                        if let s = stringValue(cell) { measured[i].maxBytes = max(measured[i].maxBytes, s.utf8.count) }
                        continue
                    }
                    switch cell {
                    case .text(let s): measured[i].maxBytes = max(measured[i].maxBytes, s.utf8.count)
                    case .number(let d): if d != d.rounded() { measured[i].allIntegers = false }
                    default: break
                    }
                }
                // The latest submission time of the exported rows (every slot of a row), as text.
                reader.forEachSubmission { k in
                    if latest.map({ reader.stamp(k, isAfter: $0) }) ?? true { latest = k }
                }
            }
            return (measured, latest)
        }, write: { piece in
            for i in measured.indices {
                measured[i].maxBytes = max(measured[i].maxBytes, piece.measured[i].maxBytes)
                if !piece.measured[i].allIntegers { measured[i].allIntegers = false }
            }
            if let k = piece.latest, latest.map({ plan.table.stamp(k, isAfter: $0) }) ?? true { latest = k }
        })
        return (measured, latest)
    }

    /// The text a cell of a string variable is written as (a number on a text item as JSON
    /// writes it), nil for a missing one; pass 1 measures the column's width on exactly these.
    static func stringValue(_ cell: Cell) -> String? {
        switch cell {
        case .text(let s): return s
        case .number(let d): return JSONWriter.number(d)
        case .missing, .declined, .dontKnow: return nil
        }
    }

    /// Seconds since 1970 for the file header, adjusted so that ReadStat's `localtime`
    /// shows the UTC time whatever the machine's time zone.
    static func fileTimestamp(latest: String, dates: DatePolicy) -> Int {
        var t = 0
        if dates != .drop, let d = parseTimestamp(latest) {
            t = Int(d.timeIntervalSince1970)
            if dates == .date { t -= ((t % 86_400) + 86_400) % 86_400 }
        }
        let offset = TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))
        return t - offset
    }

    static func parseTimestamp(_ s: String) -> Date? {
        guard !s.isEmpty else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }
}
