import Foundation
import WavesCore

/// The measurement level written to SPSS (Stata has none).
public enum MeasureLevel: String, Sendable {
    case nominal, ordinal, scale
}

/// One column of an export: where its values come from and how it is described.
struct ExportVariable: Sendable {
    enum Source: Sendable {
        case participant
        case wave
        case role
        /// The submission time of the record in `slot`.
        case submitted(slot: Int)
        /// An answer of the record in `slot`.
        case item(slot: Int, item: Item)
        /// A scale score of the record in `slot`.
        case score(slot: Int, scale: Scale)
    }

    /// The Waves name: the CSV header and the codebook's name (`pi01`, `pi01_w1`, `identity_w2`).
    var name: String
    /// A tail of `name` to keep visible when shortening (`_w1` in the wide layout).
    var suffix: String = ""
    var source: Source
    /// The instrument of an item, score or timestamp.
    var instrument: Instrument?
    /// The wave of a wide-layout column.
    var wave: Wave?
    /// Label text without the name (item text, scale label, ...), on one line.
    var baseLabel: String
    var isString: Bool
    var measure: MeasureLevel
    /// Value labels (the response options).
    var options: [ResponseOption] = []
    /// The code written for "Prefer not to answer" in SPSS, when the item offers it.
    var declineCode: Double?
    /// The code written for "Don't know" in SPSS (user-missing), when the item offers it; Stata `.b`.
    var dontKnowCode: Double?
    /// Identifies the response set, so variables sharing it share one label set.
    var labelSetKey: String?
    /// Names in the SPSS and Stata files (set by the plan).
    var spssName = ""
    var stataName = ""
    /// An item's column in its instrument's slot of the export table (set by the plan).
    var column = -1

    /// The full label: the wave of a wide column first, and the Waves name first when
    /// the file's own name had to differ from it (so the original stays visible).
    func label(fileName: String) -> String {
        if fileName != name { return "\(name): \(baseLabel)" }
        if let w = wave { return "\(w.id): \(baseLabel)" }
        return baseLabel
    }

    var isItem: Bool { if case .item = source { return true } else { return false } }
    var item: Item? { if case .item(_, let i) = source { return i } else { return nil } }
    var scale: Scale? { if case .score(_, let s) = source { return s } else { return nil } }

    /// The code for "Prefer not to answer" given a response set: -9, or the first of
    /// -99, -999, ... that is not one of its option values.
    static func declineCode(for set: ResponseSet) -> Double {
        var code = -9.0
        while set.options.contains(where: { $0.value == code }) { code = code * 10 - 9 }
        return code
    }

    /// The code for "Don't know": -8, or the first of -88, -888, ... that is not an option value
    /// (never a "Prefer not to answer" code, which are -9, -99, ...).
    static func dontKnowCode(for set: ResponseSet) -> Double {
        var code = -8.0
        while set.options.contains(where: { $0.value == code }) { code = code * 10 - 8 }
        return code
    }
}

/// One value of one variable in one row.
enum Cell: Equatable, Sendable {
    case missing
    /// "Prefer not to answer".
    case declined
    /// "Don't know".
    case dontKnow
    case number(Double)
    case text(String)
}
