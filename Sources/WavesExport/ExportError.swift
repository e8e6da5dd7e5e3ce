import Foundation

/// Why an export could not be written, in words the user can act on.
public enum ExportError: Error, LocalizedError, Equatable {
    case nothingToExport(String)
    case needsInstrument(format: String, available: [String])
    case layoutNotApplicable(format: String, layout: String)
    case scoresNotApplicable(format: String)
    case codebookExtension(String)
    case unreadableKeyFile(String)
    case weakKey(bytes: Int, minimum: Int)
    case weakKeyFile(String, bytes: Int, minimum: Int)
    /// The key is long enough but has no entropy (`KeyStrength`); the file path when read from one.
    case keyWithoutEntropy(String?, reason: String)
    case pseudonymCollision(String, String)
    case cannotWrite(path: String, reason: String)
    case readStat(file: String, operation: String, message: String)
    case unreadable(path: String, message: String)

    public var errorDescription: String? {
        switch self {
        case .nothingToExport(let what):
            return "nothing to export: \(what). Collect data with `waves take` or `waves import` first; `waves export --format codebook` works without data."
        case .needsInstrument(let f, let a):
            return "\(f) holds one instrument per file (the shape `waves import` reads); pass --instrument (one of: \(a.joined(separator: ", "))), or give --out an existing folder to get one file per instrument."
        case .layoutNotApplicable(let f, let l):
            return "--layout \(l) does not apply to \(f) (csv-long is always long and csv-wide always wide; --layout is for sav, dta and codebook)."
        case .scoresNotApplicable(let f):
            return "--scores does not apply to \(f): csv-long holds answers only, so that it imports back with `waves import`. Use csv-wide, sav or dta with --scores, or `waves score --csv` for scores in long form."
        case .codebookExtension(let p):
            return "the codebook is written as Markdown or CSV: --out must end in .md or .csv (got '\(p)')."
        case .unreadableKeyFile(let p):
            return "cannot read the key file \(p). Create one with `openssl rand -hex 32 > \(p)` and keep it apart from the exported data."
        case .weakKey(let n, let m):
            return "the de-identification key has \(n) bytes; use at least \(m) random bytes."
        case .weakKeyFile(let p, let n, let m):
            return "the key file \(p) holds \(n) byte(s); use at least \(m) random bytes, e.g. `openssl rand -hex 32 > \(p)`."
        case .keyWithoutEntropy(let p, let why):
            let shown = p ?? "K"
            return "\(p.map { "the key file \($0)" } ?? "the de-identification key") cannot serve as a key: \(why). Make a random one, e.g. `openssl rand -hex 32 > \(shown)` (see docs/deidentification.md)."
        case .pseudonymCollision(let a, let b):
            return "participants '\(a)' and '\(b)' received the same pseudonym; export again with another key."
        case .cannotWrite(let p, let r):
            return "cannot write \(p): \(r)"
        case .readStat(let f, let op, let m):
            return "cannot write \(f): ReadStat failed to \(op): \(m)"
        case .unreadable(let p, let m):
            return "cannot read \(p): \(m)"
        }
    }
}
