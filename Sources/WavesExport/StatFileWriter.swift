import Foundation
import WavesCore
internal import CReadStat

/// Writes an export plan as an SPSS `.sav` or Stata `.dta` file through ReadStat.
///
/// SPSS: "Prefer not to answer" is stored as a code (-9, or -99, ... when -9 is an
/// option value) declared user-missing and labelled; measure levels ordinal
/// (likert), nominal (choice, strings), scale (numbers, scores). Stata: the same
/// answers are the extended missing value `.a`, labelled in the value label; value
/// labels need integer codes, so a response set with fractional values has none
/// there. Text longer than 2045 bytes is a strL in Stata; SPSS strings hold up to
/// 32767 bytes (longer text is cut, and a note says so). The file timestamp is the
/// latest exported submission (its date under `--dates date`, 1970-01-01 under
/// `--dates drop`), shown as UTC, so the same data give the same bytes.
enum StatFileWriter {
    enum Kind: Sendable { case sav, dta }

    /// Pass-1 facts about a variable's values.
    private struct Measured {
        var maxBytes = 0
        var allIntegers = true
    }

    static func write(_ plan: ExportPlan, kind: Kind, to target: OutputTarget) throws -> [String] {
        let url = target.url
        let file = url.lastPathComponent
        var notes: [String] = []
        // Pass 1: string widths and whether numbers are whole.
        var measured = Array(repeating: Measured(), count: plan.variables.count)
        var latest = ""
        for row in plan.rows {
            for (i, v) in plan.variables.enumerated() {
                switch plan.cell(v, row) {
                case .text(let s): measured[i].maxBytes = max(measured[i].maxBytes, s.utf8.count)
                case .number(let d): if d != d.rounded() { measured[i].allIntegers = false }
                default: break
                }
            }
            for r in row.records { if let r, r.submittedAt > latest { latest = r.submittedAt } }
        }

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

        let title = TextLimits.oneLine(plan.study.title)
        switch kind {
        case .sav:
            try check(readstat_writer_set_file_label(writer, TextLimits.fit(title, maxBytes: TextLimits.spssFileLabel)), "set the file label")
            try check(readstat_writer_set_compression(writer, READSTAT_COMPRESS_ROWS), "set compression")
        case .dta:
            try check(readstat_writer_set_file_label(writer, TextLimits.fit(title, maxBytes: TextLimits.stataLabelBytes, maxCharacters: TextLimits.stataLabelCharacters)), "set the file label")
            try check(readstat_writer_set_file_format_version(writer, 118), "choose Stata format 118")
        }
        try check(readstat_writer_set_file_timestamp(writer, fileTimestamp(latest: latest, dates: plan.dates)), "set the file timestamp")

        // Value label sets, one per response set (shared by the variables that use it).
        var labelSets: [String: UnsafeMutablePointer<readstat_label_set_t>] = [:]
        var setNamer = VariableNamer(.stata)
        var noStataLabels: [String] = []
        for v in plan.variables where !v.options.isEmpty {
            guard let key = v.labelSetKey, labelSets[key] == nil else { continue }
            let name = setNamer.name(for: key.replacingOccurrences(of: ".", with: "_"))
            switch kind {
            case .sav:
                guard let set = readstat_add_label_set(writer, READSTAT_TYPE_DOUBLE, name) else { continue }
                for o in v.options { readstat_label_double_value(set, o.value, TextLimits.fit(TextLimits.oneLine(o.label), maxBytes: TextLimits.spssValueLabel)) }
                if let code = v.declineCode { readstat_label_double_value(set, code, "Prefer not to answer") }
                labelSets[key] = set
            case .dta:
                guard v.options.allSatisfy({ $0.value == $0.value.rounded() && abs($0.value) < 2_147_483_000 }) else {
                    noStataLabels.append(key); continue
                }
                guard let set = readstat_add_label_set(writer, READSTAT_TYPE_INT32, name) else { continue }
                for o in v.options { readstat_label_int32_value(set, Int32(o.value), TextLimits.fit(TextLimits.oneLine(o.label), maxBytes: TextLimits.stataValueLabel)) }
                if v.declineCode != nil { readstat_label_tagged_value(set, CChar(UInt8(ascii: "a")), "Prefer not to answer") }
                labelSets[key] = set
            }
        }
        if !noStataLabels.isEmpty {
            notes.append("Stata value labels need whole-number codes; response set(s) \(noStataLabels.joined(separator: ", ")) have fractional values and carry no value labels in \(file).")
        }

        // Variables.
        var handles: [UnsafeMutablePointer<readstat_variable_t>] = []
        var isRef = Array(repeating: false, count: plan.variables.count)
        var cutStrings = 0
        for (i, v) in plan.variables.enumerated() {
            let fileName = kind == .sav ? v.spssName : v.stataName
            let label = TextLimits.oneLine(v.label(fileName: fileName))
            let handle: UnsafeMutablePointer<readstat_variable_t>?
            if v.isString {
                let width = max(1, measured[i].maxBytes)
                switch kind {
                case .sav:
                    handle = readstat_add_variable(writer, fileName, READSTAT_TYPE_STRING, min(width, TextLimits.spssStringWidth))
                case .dta:
                    if width > TextLimits.stataStrWidth {
                        isRef[i] = true
                        handle = readstat_add_variable(writer, fileName, READSTAT_TYPE_STRING_REF, 0)
                    } else {
                        handle = readstat_add_variable(writer, fileName, READSTAT_TYPE_STRING, width)
                    }
                }
            } else {
                handle = readstat_add_variable(writer, fileName, READSTAT_TYPE_DOUBLE, 0)
            }
            guard let h = handle else { throw ExportError.readStat(file: file, operation: "add variable \(fileName)", message: "out of memory") }
            switch kind {
            case .sav:
                readstat_variable_set_label(h, TextLimits.fit(label, maxBytes: TextLimits.spssVariableLabel))
                readstat_variable_set_measure(h, v.measure == .ordinal ? READSTAT_MEASURE_ORDINAL : v.measure == .scale ? READSTAT_MEASURE_SCALE : READSTAT_MEASURE_NOMINAL)
                if v.isString {
                    // The print format must carry the storage width (PSPP warns otherwise); display width is separate.
                    readstat_variable_set_format(h, "A\(min(max(1, measured[i].maxBytes), TextLimits.spssStringWidth))")
                    readstat_variable_set_display_width(h, Int32(min(max(measured[i].maxBytes, 8), 40)))
                } else {
                    readstat_variable_set_format(h, savFormat(v, allIntegers: measured[i].allIntegers))
                    readstat_variable_set_display_width(h, 8)
                    if let code = v.declineCode { try check(readstat_variable_add_missing_double_value(h, code), "declare \(code) missing for \(fileName)") }
                }
            case .dta:
                readstat_variable_set_label(h, TextLimits.fit(label, maxBytes: TextLimits.stataLabelBytes, maxCharacters: TextLimits.stataLabelCharacters))
                if !v.isString { readstat_variable_set_format(h, dtaFormat(v, allIntegers: measured[i].allIntegers)) }
            }
            if let key = v.labelSetKey, let set = labelSets[key] { readstat_variable_set_label_set(h, set) }
            handles.append(h)
        }

        // Stata strL values must all be known before the file begins (its map records where
        // they go): one reference per text cell, and one shared empty string for missing cells.
        var refs: [Int: [UnsafeMutablePointer<readstat_string_ref_t>]] = [:]
        if isRef.contains(true) {
            var emptyRef: UnsafeMutablePointer<readstat_string_ref_t>?
            for (i, v) in plan.variables.enumerated() where isRef[i] {
                var column: [UnsafeMutablePointer<readstat_string_ref_t>] = []
                column.reserveCapacity(plan.rows.count)
                for row in plan.rows {
                    var text: String?
                    switch plan.cell(v, row) {
                    case .text(let s): text = s
                    case .number(let d): text = JSONWriter.number(d)
                    default: text = nil
                    }
                    if let text, !text.isEmpty {
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
        switch kind {
        case .sav: try check(readstat_begin_writing_sav(writer, ctx, plan.rows.count), "begin the file")
        case .dta: try check(readstat_begin_writing_dta(writer, ctx, plan.rows.count), "begin the file")
        }
        try check(readstat_validate_metadata(writer), "check the file's metadata")
        for h in handles { try check(readstat_validate_variable(writer, h), "check variable \(String(cString: readstat_variable_get_name(h)))") }

        // Pass 2: the rows. ReadStat must not be called again after an error.
        try withExtendedLifetime(sink) {
            for (r, row) in plan.rows.enumerated() {
                try check(readstat_begin_row(writer), "start a row")
                for (i, v) in plan.variables.enumerated() {
                    let h = handles[i]
                    if let column = refs[i] {
                        try check(readstat_insert_string_ref(writer, h, column[r]), "write \(String(cString: readstat_variable_get_name(h)))")
                        continue
                    }
                    let code: readstat_error_t
                    switch plan.cell(v, row) {
                    case .missing:
                        code = readstat_insert_missing_value(writer, h)
                    case .declined:
                        if v.isString {
                            code = readstat_insert_missing_value(writer, h)
                        } else if kind == .sav, let d = v.declineCode {
                            code = readstat_insert_double_value(writer, h, d)
                        } else if kind == .dta {
                            code = readstat_insert_tagged_missing_value(writer, h, CChar(UInt8(ascii: "a")))
                        } else {
                            code = readstat_insert_missing_value(writer, h)
                        }
                    case .number(let d):
                        if v.isString { code = readstat_insert_string_value(writer, h, JSONWriter.number(d)) }
                        else { code = readstat_insert_double_value(writer, h, d) }
                    case .text(var s):
                        if !v.isString { code = readstat_insert_missing_value(writer, h); break }
                        if kind == .sav && s.utf8.count > TextLimits.spssStringWidth {
                            s = TextLimits.fit(s, maxBytes: TextLimits.spssStringWidth)
                            cutStrings += 1
                        }
                        code = readstat_insert_string_value(writer, h, s)
                    }
                    try check(code, "write \(String(cString: readstat_variable_get_name(h)))")
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

    static func savFormat(_ v: ExportVariable, allIntegers: Bool) -> String {
        if v.scale != nil { return "F8.2" }
        if !v.options.isEmpty { return v.options.allSatisfy { $0.value == $0.value.rounded() } ? "F8.0" : "F8.2" }
        return allIntegers ? "F8.0" : "F8.2"
    }

    static func dtaFormat(_ v: ExportVariable, allIntegers: Bool) -> String {
        if v.scale != nil { return "%9.2f" }
        if !v.options.isEmpty { return v.options.allSatisfy { $0.value == $0.value.rounded() } ? "%8.0g" : "%9.2f" }
        return allIntegers ? "%8.0g" : "%9.2f"
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
