import Foundation
import WavesCore

/// A record together with the store line it came from.
public struct StoredRecord: Sendable {
    public var record: ResponseRecord
    public var line: Int
    public init(record: ResponseRecord, line: Int) { self.record = record; self.line = line }
}

/// A second (or later) submission for the same participant, wave and instrument.
public struct Duplicate: Sendable, Equatable, CustomStringConvertible {
    public var participant: String
    public var wave: String
    public var instrument: String
    /// Store lines of every submission, oldest first; the last one is used.
    public var lines: [Int]
    public var description: String {
        "\(participant) \(wave) \(instrument): \(lines.count) submissions (lines \(lines.map(String.init).joined(separator: ", "))); the latest (line \(lines.last!)) is used"
    }
}

/// Everything read from a store: records in file order and unreadable lines.
public struct StoreContents: Sendable {
    public var records: [StoredRecord]
    public var problems: [StoreProblem]

    public init(records: [StoredRecord], problems: [StoreProblem]) { self.records = records; self.problems = problems }

    /// One record per participant, wave and instrument: the latest submission
    /// (by `submitted_at`, then by store order), and the duplicates that were set aside.
    public func latest() -> (records: [ResponseRecord], duplicates: [Duplicate]) {
        let (chosen, dups) = latestStored()
        return (chosen.map(\.record), dups)
    }

    /// As `latest()`, with the store line of each chosen record.
    public func latestStored() -> (records: [StoredRecord], duplicates: [Duplicate]) {
        struct Key: Hashable { let p: String, w: String, i: String }
        var best: [Key: Int] = [:]
        var lines: [Key: [Int]] = [:]
        var order: [Key] = []
        for (idx, s) in records.enumerated() {
            let k = Key(p: s.record.participant, w: s.record.wave, i: s.record.instrument.id)
            if let b = best[k] {
                lines[k]!.append(s.line)
                if s.record.submittedAt >= records[b].record.submittedAt { best[k] = idx }
            } else {
                best[k] = idx; lines[k] = [s.line]; order.append(k)
            }
        }
        let dups = order.compactMap { k -> Duplicate? in
            guard let ls = lines[k], ls.count > 1 else { return nil }
            let chosen = records[best[k]!].line
            return Duplicate(participant: k.p, wave: k.w, instrument: k.i, lines: ls.filter { $0 != chosen } + [chosen])
        }
        return (order.map { records[best[$0]!] }, dups)
    }
}
