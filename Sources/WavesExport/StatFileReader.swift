import Foundation
internal import CReadStat

/// The contents of an SPSS or Stata file, as ReadStat's parser reports them.
public struct StatFile: Sendable {
    /// One value: a number, text, system-missing, or an extended (tagged) missing value such as Stata's `.a`.
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        case number(Double)
        case text(String)
        case systemMissing
        case tagged(Character)

        public var description: String {
            switch self {
            case .number(let d): return "\(d)"
            case .text(let s): return "\"\(s)\""
            case .systemMissing: return "."
            case .tagged(let c): return ".\(c)"
            }
        }
    }

    public struct ValueLabel: Sendable, Equatable {
        public var value: Value
        public var label: String
        public init(value: Value, label: String) { self.value = value; self.label = label }
    }

    public struct Variable: Sendable {
        public var name: String
        public var label: String
        public var isString: Bool
        /// nil when the file does not record a measure level (Stata).
        public var measure: MeasureLevel?
        public var format: String
        /// The value labels attached to the variable, in file order.
        public var valueLabels: [ValueLabel]
        /// SPSS user-missing values and ranges (lo == hi for a single value).
        public var missingRanges: [ClosedRange<Double>]
    }

    public var fileLabel: String
    public var rowCount: Int
    public var variables: [Variable]
    /// Rows x variables.
    public var rows: [[Value]]

    /// The variable with this name.
    public func variable(_ name: String) -> Variable? { variables.first { $0.name == name } }
    /// The column of a variable.
    public func index(of name: String) -> Int? { variables.firstIndex { $0.name == name } }
}

/// Reads `.sav` and `.dta` files with ReadStat (used to check exports, and by anyone who
/// wants to look inside a file without SPSS or Stata).
public enum StatFileReader {
    public static func read(_ url: URL) throws -> StatFile {
        let ext = url.pathExtension.lowercased()
        guard ext == "sav" || ext == "dta" else {
            throw ExportError.unreadable(path: url.path, message: "only .sav and .dta files can be read")
        }
        let box = ReadBox()
        guard let parser = readstat_parser_init() else { throw ExportError.unreadable(path: url.path, message: "out of memory") }
        defer { readstat_parser_free(parser) }
        _ = readstat_set_metadata_handler(parser) { meta, ctx in
            let box = Unmanaged<ReadBox>.fromOpaque(ctx!).takeUnretainedValue()
            box.rowCount = Int(readstat_get_row_count(meta))
            if let l = readstat_get_file_label(meta) { box.fileLabel = String(cString: l) }
            return Int32(READSTAT_HANDLER_OK)
        }
        _ = readstat_set_variable_handler(parser) { index, variable, labels, ctx in
            let box = Unmanaged<ReadBox>.fromOpaque(ctx!).takeUnretainedValue()
            guard let variable else { return Int32(READSTAT_HANDLER_OK) }
            var ranges: [ClosedRange<Double>] = []
            for i in 0..<readstat_variable_get_missing_ranges_count(variable) {
                let lo = readstat_double_value(readstat_variable_get_missing_range_lo(variable, i))
                let hi = readstat_double_value(readstat_variable_get_missing_range_hi(variable, i))
                if lo <= hi { ranges.append(lo...hi) }
            }
            let m = readstat_variable_get_measure(variable)
            let measure: MeasureLevel? = m == READSTAT_MEASURE_NOMINAL ? .nominal : m == READSTAT_MEASURE_ORDINAL ? .ordinal
                : m == READSTAT_MEASURE_SCALE ? .scale : nil
            box.variables.append(StatFile.Variable(
                name: String(cString: readstat_variable_get_name(variable)),
                label: readstat_variable_get_label(variable).map { String(cString: $0) } ?? "",
                isString: readstat_variable_get_type_class(variable) == READSTAT_TYPE_CLASS_STRING,
                measure: measure,
                format: readstat_variable_get_format(variable).map { String(cString: $0) } ?? "",
                valueLabels: [], missingRanges: ranges))
            box.labelSetOf.append(labels.map { String(cString: $0) })
            return Int32(READSTAT_HANDLER_OK)
        }
        _ = readstat_set_value_label_handler(parser) { set, value, label, ctx in
            let box = Unmanaged<ReadBox>.fromOpaque(ctx!).takeUnretainedValue()
            guard let set else { return Int32(READSTAT_HANDLER_OK) }
            let name = String(cString: set)
            box.labelSets[name, default: []].append(StatFile.ValueLabel(value: StatFileReader.value(value), label: label.map { String(cString: $0) } ?? ""))
            return Int32(READSTAT_HANDLER_OK)
        }
        _ = readstat_set_value_handler(parser) { obs, variable, value, ctx in
            let box = Unmanaged<ReadBox>.fromOpaque(ctx!).takeUnretainedValue()
            let row = Int(obs)
            while box.rows.count <= row { box.rows.append(Array(repeating: .systemMissing, count: box.variables.count)) }
            let col = Int(readstat_variable_get_index(variable))
            if col < box.rows[row].count { box.rows[row][col] = StatFileReader.value(value) }
            return Int32(READSTAT_HANDLER_OK)
        }
        _ = readstat_set_error_handler(parser) { message, ctx in
            let box = Unmanaged<ReadBox>.fromOpaque(ctx!).takeUnretainedValue()
            if let message { box.errors.append(String(cString: message)) }
        }
        let ctx = Unmanaged.passUnretained(box).toOpaque()
        let code = withExtendedLifetime(box) {
            ext == "sav" ? readstat_parse_sav(parser, url.path, ctx) : readstat_parse_dta(parser, url.path, ctx)
        }
        if code != READSTAT_OK {
            let detail = ([String(cString: readstat_error_message(code))] + box.errors).joined(separator: "; ")
            throw ExportError.unreadable(path: url.path, message: detail)
        }
        var vars = box.variables
        for i in vars.indices { if let set = box.labelSetOf[i] { vars[i].valueLabels = box.labelSets[set] ?? [] } }
        return StatFile(fileLabel: box.fileLabel, rowCount: box.rowCount, variables: vars, rows: box.rows)
    }

    static func value(_ v: readstat_value_t) -> StatFile.Value {
        if readstat_value_type_class(v) == READSTAT_TYPE_CLASS_STRING {
            return .text(readstat_string_value(v).map { String(cString: $0) } ?? "")
        }
        if readstat_value_is_tagged_missing(v) != 0 { return .tagged(Character(Unicode.Scalar(UInt8(bitPattern: readstat_value_tag(v))))) }
        if readstat_value_is_system_missing(v) != 0 { return .systemMissing }
        switch readstat_value_type(v) {
        case READSTAT_TYPE_INT8: return .number(Double(readstat_int8_value(v)))
        case READSTAT_TYPE_INT16: return .number(Double(readstat_int16_value(v)))
        case READSTAT_TYPE_INT32: return .number(Double(readstat_int32_value(v)))
        case READSTAT_TYPE_FLOAT: return .number(Double(readstat_float_value(v)))
        default: return .number(readstat_double_value(v))
        }
    }
}

/// Collects what the parser's callbacks report.
private final class ReadBox {
    var fileLabel = ""
    var rowCount = 0
    var variables: [StatFile.Variable] = []
    var labelSetOf: [String?] = []
    var labelSets: [String: [StatFile.ValueLabel]] = [:]
    var rows: [[StatFile.Value]] = []
    var errors: [String] = []
}
