import Foundation
import WavesCore

/// The file formats of `waves export --format`.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csvLong = "csv-long"
    case csvWide = "csv-wide"
    case codebook
    case sav
    case dta
    /// A REFI-QDA project of the coded free-text answers (docs/coding.md).
    case qdpx
    /// The codebook as a REFI-QDA codebook file (.qdc).
    case codebookQdc = "codebook-qdc"

    /// The layout a format uses when `--layout` is not given.
    public var defaultLayout: ExportLayout { self == .csvWide ? .wide : .long }

    /// Whether `--layout` may change this format's layout.
    public var acceptsLayout: Bool { self == .sav || self == .dta || self == .codebook }
}

/// Rows per participant and wave (`long`) or one row per participant (`wide`).
public enum ExportLayout: String, Sendable, CaseIterable {
    case long, wide
}

/// What happens to submission timestamps (`--dates`).
public enum DatePolicy: String, Sendable, CaseIterable {
    /// The full UTC timestamp, as stored.
    case keep
    /// Only the UTC calendar date (YYYY-MM-DD).
    case date
    /// No timestamp variables at all.
    case drop
}

/// Everything `waves export` can be asked for, besides the format and the output path.
public struct ExportOptions: Sendable {
    /// Only this instrument (nil: every instrument of the study, in study order).
    public var instrument: String?
    /// Only these waves (nil or empty: every wave), written in study order.
    public var waves: [String]?
    /// Add scale scores (`--scores`).
    public var scores: Bool
    /// Layout; nil means the format's default (`ExportFormat.defaultLayout`).
    public var layout: ExportLayout?
    /// Pseudonymise participants and drop free text (`--deidentify`); nil keeps identities.
    public var deidentification: Deidentification?
    /// Submission timestamps; nil means `keep`, or `date` when de-identifying.
    public var dates: DatePolicy?
    /// The codebook of a qdpx or codebook-qdc export (nil: the study's only one).
    public var codebook: String?
    /// Permission bits of every file written (`--mode`); owner-only (0600) by default.
    public var mode: OutputMode = .ownerOnly
    /// Prefix CSV text cells that begin with = + - @ tab or CR with an apostrophe (`--escape-formulas`; `CSVWriter`).
    public var escapeFormulas = false

    public init(instrument: String? = nil, waves: [String]? = nil, scores: Bool = false, layout: ExportLayout? = nil,
                deidentification: Deidentification? = nil, dates: DatePolicy? = nil) {
        self.instrument = instrument; self.waves = waves; self.scores = scores; self.layout = layout
        self.deidentification = deidentification; self.dates = dates
    }

    /// The date policy in force.
    public var effectiveDates: DatePolicy { dates ?? (deidentification == nil ? .keep : .date) }

    /// Whether free-text items are written.
    public var includesText: Bool { deidentification?.keepText ?? true }
}

/// What an export wrote.
public struct ExportResult: Sendable, Equatable {
    /// Every file written, the data file first.
    public var files: [URL]
    /// Data rows (0 for a codebook).
    public var rows: Int
    /// Variables (columns) described or written.
    public var variables: Int
    /// Things the user should know (values cut to fit a format, labels shortened, ...).
    public var notes: [String]
    /// CSV files with text cells that a spreadsheet may run as formulas (escaped or not).
    public var formulaCells: [FormulaCellsInFile] = []

    public init(files: [URL], rows: Int, variables: Int, notes: [String] = []) {
        self.files = files; self.rows = rows; self.variables = variables; self.notes = notes
    }
}

/// The formula-like text cells of one CSV file an export wrote (`CSVWriter.FormulaCells`).
public struct FormulaCellsInFile: Sendable, Equatable {
    public var file: URL
    public var cells: CSVWriter.FormulaCells
    public init(file: URL, cells: CSVWriter.FormulaCells) { self.file = file; self.cells = cells }
}
