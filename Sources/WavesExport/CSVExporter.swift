import Foundation
import WavesCore

/// Long and wide CSV (RFC 4180: CRLF line ends, quotes where needed; UTF-8 without BOM).
///
/// Cells: numbers in their shortest round-trip form (`4`, `3.5`), text as given,
/// an empty cell for a missing answer (skipped, not shown, or no submission),
/// and the word `declined` for "Prefer not to answer" — the words `waves import`
/// reads, so a csv-long export imports back to the same store content.
enum CSVExporter {
    static let lineEnd = "\r\n"

    /// The text of a cell.
    static func text(_ c: Cell) -> String {
        switch c {
        case .missing: return ""
        case .declined: return "declined"
        case .number(let d): return JSONWriter.number(d)
        case .text(let s): return s
        }
    }

    /// Writes the plan as CSV to a checked output file (atomically, with its mode).
    static func write(_ plan: ExportPlan, to target: OutputTarget) throws {
        let out = FileSink()
        try out.open(target)
        defer { out.discard() }
        out.append(CSVReader.line(plan.variables.map(\.name)) + lineEnd)
        var fields: [String] = []
        fields.reserveCapacity(plan.variables.count)
        for row in plan.rows {
            fields.removeAll(keepingCapacity: true)
            for v in plan.variables { fields.append(text(plan.cell(v, row))) }
            out.append(CSVReader.line(fields) + lineEnd)
            try out.flushIfLarge()
        }
        try out.commit()
    }
}
