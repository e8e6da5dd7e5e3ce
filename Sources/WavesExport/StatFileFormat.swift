import Foundation
import WavesCore
internal import CReadStat

/// What differs between SPSS `.sav` and Stata `.dta` when `StatFileWriter` drives ReadStat:
/// one strategy per format, so the writer's passes never switch on the format.
protocol StatFileFormat {
    /// The variable's name in this format's file.
    func fileName(_ v: ExportVariable) -> String
    /// File label, compression or version.
    func configure(_ writer: UnsafeMutablePointer<readstat_writer_t>, title: String, check: (readstat_error_t, String) throws -> Void) throws
    /// The value label set of a response set, or nil (with the reason in `skipped`) when this
    /// format cannot label it.
    func labelSet(_ writer: UnsafeMutablePointer<readstat_writer_t>, for v: ExportVariable, name: String) -> (set: UnsafeMutablePointer<readstat_label_set_t>?, skipped: Bool)
    /// A note on the response sets `labelSet` skipped, or nil.
    func skippedLabelsNote(_ keys: [String], file: String) -> String?
    /// Adds a string variable of `width` bytes; `isRef` when its values are written as references (Stata strL).
    func addString(_ writer: UnsafeMutablePointer<readstat_writer_t>, name: String, width: Int) -> (handle: UnsafeMutablePointer<readstat_variable_t>?, isRef: Bool)
    /// Label, measure level, display format and user-missing codes of a variable.
    func describe(_ h: UnsafeMutablePointer<readstat_variable_t>, _ v: ExportVariable, label: String, width: Int, allIntegers: Bool,
                  check: (readstat_error_t, String) throws -> Void) throws
    /// Starts the file for `rows` rows.
    func begin(_ writer: UnsafeMutablePointer<readstat_writer_t>, _ ctx: UnsafeMutableRawPointer, rows: Int) -> readstat_error_t
    /// Writes a declined answer of a numeric variable.
    func insertDeclined(_ writer: UnsafeMutablePointer<readstat_writer_t>, _ h: UnsafeMutablePointer<readstat_variable_t>, _ v: ExportVariable) -> readstat_error_t
    /// Writes a "Don't know" answer of a numeric variable.
    func insertDontKnow(_ writer: UnsafeMutablePointer<readstat_writer_t>, _ h: UnsafeMutablePointer<readstat_variable_t>, _ v: ExportVariable) -> readstat_error_t
    /// The text as this format can hold it, and whether it was cut.
    func fit(_ text: String) -> (text: String, cut: Bool)
}

/// SPSS: "Prefer not to answer" is a user-missing code (-9, or -99, ... when -9 is an option
/// value), labelled; measure levels ordinal (likert), nominal (choice, strings), scale
/// (numbers, scores); strings up to 32767 bytes (longer text is cut, with a note).
struct SavFormat: StatFileFormat {
    func fileName(_ v: ExportVariable) -> String { v.spssName }

    func configure(_ writer: UnsafeMutablePointer<readstat_writer_t>, title: String, check: (readstat_error_t, String) throws -> Void) throws {
        try check(readstat_writer_set_file_label(writer, TextLimits.fit(title, maxBytes: TextLimits.spssFileLabel)), "set the file label")
        try check(readstat_writer_set_compression(writer, READSTAT_COMPRESS_ROWS), "set compression")
    }

    func labelSet(_ writer: UnsafeMutablePointer<readstat_writer_t>, for v: ExportVariable, name: String) -> (set: UnsafeMutablePointer<readstat_label_set_t>?, skipped: Bool) {
        guard let set = readstat_add_label_set(writer, READSTAT_TYPE_DOUBLE, name) else { return (nil, false) }
        for o in v.options { readstat_label_double_value(set, o.value, TextLimits.fit(TextLimits.oneLine(o.label), maxBytes: TextLimits.spssValueLabel)) }
        if let code = v.declineCode { readstat_label_double_value(set, code, "Prefer not to answer") }
        if let code = v.dontKnowCode { readstat_label_double_value(set, code, "Don't know") }
        return (set, false)
    }

    func skippedLabelsNote(_ keys: [String], file: String) -> String? { nil }

    func addString(_ writer: UnsafeMutablePointer<readstat_writer_t>, name: String, width: Int) -> (handle: UnsafeMutablePointer<readstat_variable_t>?, isRef: Bool) {
        (readstat_add_variable(writer, name, READSTAT_TYPE_STRING, min(width, TextLimits.spssStringWidth)), false)
    }

    func describe(_ h: UnsafeMutablePointer<readstat_variable_t>, _ v: ExportVariable, label: String, width: Int, allIntegers: Bool,
                  check: (readstat_error_t, String) throws -> Void) throws {
        readstat_variable_set_label(h, TextLimits.fit(label, maxBytes: TextLimits.spssVariableLabel))
        readstat_variable_set_measure(h, v.measure == .ordinal ? READSTAT_MEASURE_ORDINAL : v.measure == .scale ? READSTAT_MEASURE_SCALE : READSTAT_MEASURE_NOMINAL)
        if v.isString {
            // The print format must carry the storage width (PSPP warns otherwise); display width is separate.
            readstat_variable_set_format(h, "A\(min(max(1, width), TextLimits.spssStringWidth))")
            readstat_variable_set_display_width(h, Int32(min(max(width, 8), 40)))
        } else {
            readstat_variable_set_format(h, Self.format(v, allIntegers: allIntegers))
            readstat_variable_set_display_width(h, 8)
            if let code = v.declineCode { try check(readstat_variable_add_missing_double_value(h, code), "declare \(code) missing for \(v.spssName)") }
            if let code = v.dontKnowCode { try check(readstat_variable_add_missing_double_value(h, code), "declare \(code) missing for \(v.spssName)") }
        }
    }

    func begin(_ writer: UnsafeMutablePointer<readstat_writer_t>, _ ctx: UnsafeMutableRawPointer, rows: Int) -> readstat_error_t {
        readstat_begin_writing_sav(writer, ctx, rows)
    }

    func insertDeclined(_ writer: UnsafeMutablePointer<readstat_writer_t>, _ h: UnsafeMutablePointer<readstat_variable_t>, _ v: ExportVariable) -> readstat_error_t {
        if let d = v.declineCode { return readstat_insert_double_value(writer, h, d) }
        return readstat_insert_missing_value(writer, h)
    }

    func insertDontKnow(_ writer: UnsafeMutablePointer<readstat_writer_t>, _ h: UnsafeMutablePointer<readstat_variable_t>, _ v: ExportVariable) -> readstat_error_t {
        if let d = v.dontKnowCode { return readstat_insert_double_value(writer, h, d) }
        return readstat_insert_missing_value(writer, h)
    }

    func fit(_ text: String) -> (text: String, cut: Bool) {
        text.utf8.count > TextLimits.spssStringWidth ? (TextLimits.fit(text, maxBytes: TextLimits.spssStringWidth), true) : (text, false)
    }

    /// SPSS print format: F8.2 for scores and fractional values, F8.0 for whole numbers.
    static func format(_ v: ExportVariable, allIntegers: Bool) -> String {
        if v.scale != nil { return "F8.2" }
        if !v.options.isEmpty { return v.options.allSatisfy { $0.value == $0.value.rounded() } ? "F8.0" : "F8.2" }
        return allIntegers ? "F8.0" : "F8.2"
    }
}

/// Stata 118: declined answers are the extended missing value `.a`, labelled in the value
/// label; value labels need integer codes (a response set with fractional values has none);
/// text longer than 2045 bytes is a strL.
struct DtaFormat: StatFileFormat {
    func fileName(_ v: ExportVariable) -> String { v.stataName }

    func configure(_ writer: UnsafeMutablePointer<readstat_writer_t>, title: String, check: (readstat_error_t, String) throws -> Void) throws {
        try check(readstat_writer_set_file_label(writer, TextLimits.fit(title, maxBytes: TextLimits.stataLabelBytes, maxCharacters: TextLimits.stataLabelCharacters)), "set the file label")
        try check(readstat_writer_set_file_format_version(writer, 118), "choose Stata format 118")
    }

    func labelSet(_ writer: UnsafeMutablePointer<readstat_writer_t>, for v: ExportVariable, name: String) -> (set: UnsafeMutablePointer<readstat_label_set_t>?, skipped: Bool) {
        guard v.options.allSatisfy({ $0.value == $0.value.rounded() && abs($0.value) < 2_147_483_000 }) else { return (nil, true) }
        guard let set = readstat_add_label_set(writer, READSTAT_TYPE_INT32, name) else { return (nil, false) }
        for o in v.options { readstat_label_int32_value(set, Int32(o.value), TextLimits.fit(TextLimits.oneLine(o.label), maxBytes: TextLimits.stataValueLabel)) }
        if v.declineCode != nil { readstat_label_tagged_value(set, CChar(UInt8(ascii: "a")), "Prefer not to answer") }
        if v.dontKnowCode != nil { readstat_label_tagged_value(set, CChar(UInt8(ascii: "b")), "Don't know") }
        return (set, false)
    }

    func skippedLabelsNote(_ keys: [String], file: String) -> String? {
        keys.isEmpty ? nil
            : "Stata value labels need whole-number codes; response set(s) \(keys.joined(separator: ", ")) have fractional values and carry no value labels in \(file)."
    }

    func addString(_ writer: UnsafeMutablePointer<readstat_writer_t>, name: String, width: Int) -> (handle: UnsafeMutablePointer<readstat_variable_t>?, isRef: Bool) {
        width > TextLimits.stataStrWidth
            ? (readstat_add_variable(writer, name, READSTAT_TYPE_STRING_REF, 0), true)
            : (readstat_add_variable(writer, name, READSTAT_TYPE_STRING, width), false)
    }

    func describe(_ h: UnsafeMutablePointer<readstat_variable_t>, _ v: ExportVariable, label: String, width: Int, allIntegers: Bool,
                  check: (readstat_error_t, String) throws -> Void) throws {
        readstat_variable_set_label(h, TextLimits.fit(label, maxBytes: TextLimits.stataLabelBytes, maxCharacters: TextLimits.stataLabelCharacters))
        if !v.isString { readstat_variable_set_format(h, Self.format(v, allIntegers: allIntegers)) }
    }

    func begin(_ writer: UnsafeMutablePointer<readstat_writer_t>, _ ctx: UnsafeMutableRawPointer, rows: Int) -> readstat_error_t {
        readstat_begin_writing_dta(writer, ctx, rows)
    }

    func insertDeclined(_ writer: UnsafeMutablePointer<readstat_writer_t>, _ h: UnsafeMutablePointer<readstat_variable_t>, _ v: ExportVariable) -> readstat_error_t {
        readstat_insert_tagged_missing_value(writer, h, CChar(UInt8(ascii: "a")))
    }

    func insertDontKnow(_ writer: UnsafeMutablePointer<readstat_writer_t>, _ h: UnsafeMutablePointer<readstat_variable_t>, _ v: ExportVariable) -> readstat_error_t {
        readstat_insert_tagged_missing_value(writer, h, CChar(UInt8(ascii: "b")))
    }

    func fit(_ text: String) -> (text: String, cut: Bool) { (text, false) }

    /// Stata display format: %9.2f for scores and fractional values, %8.0g for whole numbers.
    static func format(_ v: ExportVariable, allIntegers: Bool) -> String {
        if v.scale != nil { return "%9.2f" }
        if !v.options.isEmpty { return v.options.allSatisfy { $0.value == $0.value.rounded() } ? "%8.0g" : "%9.2f" }
        return allIntegers ? "%8.0g" : "%9.2f"
    }
}
