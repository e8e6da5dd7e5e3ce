import Foundation
import WavesCore

/// The one line `waves export` and `waves score --csv` print per CSV file whose text cells
/// begin like a spreadsheet formula (`CSVWriter.FormulaCells`).
enum FormulaNotice {
    /// "warning: out.csv: 3 text cells begin with = + - @ … (rows 4, 9; columns diary, participant); open it with care or use --escape-formulas",
    /// or a note that they were escaped; nil when there are none.
    static func line(file: String?, _ cells: CSVWriter.FormulaCells, escaped: Bool) -> String? {
        guard !cells.isEmpty else { return nil }
        let place = file.map { "\($0): " } ?? ""
        return escaped
            ? "note: \(place)\(cells.summary); each was written with a leading apostrophe (--escape-formulas)."
            : "warning: \(place)\(cells.summary); open it with care or use --escape-formulas."
    }
}
