import Foundation
import WavesCore

/// Long and wide CSV, written by `CSVWriter` (RFC 4180: CRLF line ends, quotes where needed;
/// UTF-8 without BOM; control characters shown, never raw; formula-like text cells reported
/// or, with `--escape-formulas`, prefixed with an apostrophe).
///
/// Cells: numbers in their shortest round-trip form (`4`, `3.5`), text as given,
/// an empty cell for a missing answer (skipped, not shown, or no submission),
/// the word `declined` for "Prefer not to answer" and `dont_know` for "Don't know" — the words `waves import`
/// reads, so a csv-long export imports back to the same store content.
enum CSVExporter {
    /// The CSV field of a cell.
    static func field(_ c: Cell) -> CSVWriter.Field {
        switch c {
        case .missing: return .text("")
        case .declined: return .text("declined")
        case .dontKnow: return .text("dont_know")
        case .number(let d): return .number(d)
        case .text(let s): return .text(s)
        }
    }

    /// Rows per piece formatted on one core (about 0.3 MB of long CSV, 1.5 MB of wide CSV
    /// at the benchmark study's 40 items a wave).
    static let chunk = 2048

    /// Writes the plan as CSV to a checked output file (atomically, with its mode); returns the formula-like text cells.
    /// Rows are written field by field into bytes (`CSVWriter.beginRecord`), each cell read by an
    /// `ExportRowReader` and time stamps taken as bytes: no `String` per cell. Pieces of `chunk`
    /// rows are formatted on every core and written in order (`Parallel.forEachChunk`), each
    /// with its own reader and writer, numbering rows as one writer would (`CSVWriter.init(continuing:recordsBefore:)`).
    static func write(_ plan: ExportPlan, to target: OutputTarget, escapeFormulas: Bool, chunk: Int = CSVExporter.chunk) throws -> CSVWriter.FormulaCells {
        let out = FileSink()
        try out.open(target)
        defer { out.discard() }
        var csv = CSVWriter(header: plan.variables.map(\.name), escapeFormulas: escapeFormulas)
        out.append(csv.headerRecord())
        let first = csv
        try Parallel.forEachChunk(0..<plan.rows.count, chunk: chunk, { range -> (bytes: [UInt8], writer: CSVWriter) in
            var piece = CSVWriter(continuing: first, recordsBefore: first.recordCount + range.lowerBound)
            return (rows(plan, range, &piece), piece)
        }, write: { done in
            out.append(done.bytes)
            csv.append(piece: done.writer)
            try out.flushIfLarge()
        })
        try out.commit()
        return csv.formulaCells
    }

    /// The bytes of rows `range` of the plan, written by `csv`.
    static func rows(_ plan: ExportPlan, _ range: Range<Int>, _ csv: inout CSVWriter) -> [UInt8] {
        var reader = ExportRowReader(plan)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 17)
        let sources = plan.cellSources
        for row in plan.rows[range] {
            reader.load(row)
            csv.beginRecord()
            for i in sources.indices {
                if case .submitted(let slot) = sources[i], let k = reader.submission(slot),
                   reader.withShownStamp(k, { csv.appendText(utf8: $0, column: i, into: &bytes) }) != nil { continue }
                csv.append(field(reader.cell(i)), column: i, into: &bytes)
            }
            CSVWriter.endRecord(into: &bytes)
        }
        return bytes
    }
}
