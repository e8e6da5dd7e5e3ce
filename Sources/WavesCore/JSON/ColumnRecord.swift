import Foundation

/// What a columnar reader asks of each store line.
public struct ColumnRequest: Sendable {
    /// Per instrument id: the item ids whose numeric answers become columns, in column order.
    public var columns: [String: [String]]
    /// Keep the text answers of every line (`ColumnRecord.texts`).
    public var texts: Bool
    /// Keep the instrument's version and SHA-256 (`ColumnRecord.version`, `.sha256`).
    public var versions: Bool
    /// Keep the items marked "Prefer not to answer" (`declined`) and "Don't know" (`dont_know`)
    /// (`ColumnRecord.declined`, `.dontKnow`; the exports ask for them, the analyses do not).
    public var marks: Bool
    /// Keep the record's `id` (`ColumnRecord.id`; the coding units are named by it).
    public var ids: Bool

    public init(columns: [String: [String]] = [:], texts: Bool = false, versions: Bool = false, marks: Bool = false, ids: Bool = false) {
        self.columns = columns; self.texts = texts; self.versions = versions; self.marks = marks; self.ids = ids
    }
}

/// The fields of one store line that the columnar readers use, read without building a
/// `ResponseRecord` (no String per answer, no JSON value tree).
///
/// Kept small, since the scan moves every row several times (decoder, result slab, consumer):
/// the fields only some requests keep (`id`, versions, texts, marks) live in one box made only
/// when one of them is kept, so an analysis's row is about half the size.
public struct ColumnRecord: Sendable, Equatable {
    public var participant: String
    public var role: String?
    public var wave: String
    public var instrument: String
    public var submittedAt: String
    /// The import batch the line belongs to (`ImportLog`), nil for other lines.
    public var batch: String?
    /// The requested columns of this line's instrument, in request order: the number answered,
    /// or NaN when the answer is missing, not a number, or absent. Empty for other instruments.
    public var values: ColumnValues
    private let kept: Kept?

    /// What only some requests keep.
    private final class Kept: Sendable {
        let id: String, version: String, sha256: String
        let texts: [ColumnText], declined: [String], dontKnow: [String]
        init(id: String, version: String, sha256: String, texts: [ColumnText], declined: [String], dontKnow: [String]) {
            self.id = id; self.version = version; self.sha256 = sha256; self.texts = texts; self.declined = declined; self.dontKnow = dontKnow
        }
    }

    public init(id: String = "", participant: String, role: String?, wave: String, instrument: String, version: String = "", sha256: String = "",
                submittedAt: String, batch: String?, values: ColumnValues, texts: [ColumnText] = [], declined: [String] = [], dontKnow: [String] = []) {
        self.participant = participant; self.role = role; self.wave = wave; self.instrument = instrument
        self.submittedAt = submittedAt; self.batch = batch; self.values = values
        let none = id.isEmpty && version.isEmpty && sha256.isEmpty && texts.isEmpty && declined.isEmpty && dontKnow.isEmpty
        kept = none ? nil : Kept(id: id, version: version, sha256: sha256, texts: texts, declined: declined, dontKnow: dontKnow)
    }

    /// The record's `id` ("" unless the request keeps it).
    public var id: String { kept?.id ?? "" }
    /// The instrument's version and SHA-256 ("" unless the request keeps them).
    public var version: String { kept?.version ?? "" }
    public var sha256: String { kept?.sha256 ?? "" }
    /// Text answers in store order (item id, text), when the request keeps them.
    public var texts: [ColumnText] { kept?.texts ?? [] }
    /// The `declined` and `dont_know` item ids in store order, when the request keeps them
    /// (as `ResponseRecord.declined` and `.dontKnow` give them); else empty.
    public var declined: [String] { kept?.declined ?? [] }
    public var dontKnow: [String] { kept?.dontKnow ?? [] }

    public static func == (a: ColumnRecord, b: ColumnRecord) -> Bool {
        a.id == b.id && a.participant == b.participant && a.role == b.role && a.wave == b.wave && a.instrument == b.instrument
            && a.version == b.version && a.sha256 == b.sha256 && a.submittedAt == b.submittedAt && a.batch == b.batch
            && a.values.count == b.values.count
            && zip(a.values, b.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
            && a.texts == b.texts && a.declined == b.declined && a.dontKnow == b.dontKnow
    }
}

public struct ColumnText: Sendable, Equatable {
    public var item: String
    public var text: String
}
