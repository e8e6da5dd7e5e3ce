import Foundation
import WavesAnalysis
import WavesCore

/// A study ready for coding: its data, one codebook, the units in scope and the coders' files.
public struct CodingProject: Sendable {
    public var data: StudyData
    public var codebook: Codebook
    /// The units in scope (`--wave`, `--item`), in study order.
    public var units: [CodingUnit]
    /// Every unit of the study (to tell a coded unit that left the scope from one that does not exist).
    public var allUnitIDs: Set<String>
    /// Warnings from loading the codebooks.
    public var warnings: [Problem]

    public var directory: URL { data.study.directory }

    /// Loads the study, its codebook (`--codebook`, or the only one) and the units in scope.
    public static func load(directory: URL, codebook: String?, wave: String? = nil, item: String? = nil) throws -> CodingProject {
        try make(data: try StudyData.load(directory: directory), codebook: codebook, wave: wave, item: item)
    }

    /// The same from a study already loaded.
    public static func make(data: StudyData, codebook: String?, wave: String? = nil, item: String? = nil) throws -> CodingProject {
        let (book, warnings) = try Self.codebook(studyDirectory: data.study.directory, named: codebook)
        let all = try data.codingUnits()
        let units = (wave == nil && item == nil) ? all : try data.codingUnits(wave: wave, item: item)
        return CodingProject(data: data, codebook: book, units: units, allUnitIDs: Set(all.map(\.id)), warnings: warnings)
    }

    /// The study's codebook (`name`, or the only one) and the warnings of loading the codebooks.
    public static func codebook(studyDirectory: URL, named codebook: String?) throws -> (Codebook, warnings: [Problem]) {
        let books = StudyCodebooks.load(studyDirectory: studyDirectory)
        let book: Codebook
        do { book = try books.resolve(codebook) } catch let e as LoadError {
            // A codebook that failed to load: show its own errors, not only "no codebook".
            let own = books.problems.filter { $0.severity == .error && (codebook == nil || $0.file.hasSuffix("/\(codebook!).yaml")) }
            throw own.isEmpty ? e : LoadError(own)
        }
        return (book, books.problems.filter { $0.severity == .warning })
    }

    /// Coders with a file in the study (the consensus coder included), by name.
    public var coders: [String] { CodingLog.coders(studyDirectory: directory) }

    /// A coder's file; throws for a name that cannot be a file name.
    public func log(_ coder: String) throws -> CodingLog { try CodingLog(studyDirectory: directory, coder: coder) }

    /// A coder's latest decisions on this codebook, and what is wrong in their file.
    public func record(of coder: String) throws -> CoderRecord {
        try Self.record(of: coder, studyDirectory: directory, codebook: codebook, allUnitIDs: allUnitIDs)
    }

    /// A coder's latest decisions on `codebook`, and what is wrong in their file, for a study whose
    /// units are `allUnitIDs` (a unit coded but not among them is reported).
    public static func record(of coder: String, studyDirectory directory: URL, codebook: Codebook, allUnitIDs: Set<String>) throws -> CoderRecord {
        let log = try CodingLog(studyDirectory: directory, coder: coder)
        let contents = try log.read()
        let latest = contents.latest(codebook: codebook.id)
        var problems = contents.problems
        var missing: [String] = []
        var unknownCodes: [String: Int] = [:]
        var versions: Set<String> = []
        for (u, d) in latest {
            if !allUnitIDs.contains(u) { missing.append(u) }
            for c in d.codes where !codebook.contains(c) { unknownCodes[c, default: 0] += 1 }
            if let h = d.codebookSHA256, h != codebook.sha256 { versions.insert(d.codebookVersion ?? "?") }
        }
        if !missing.isEmpty {
            problems.append(Problem(file: log.displayPath, message: "\(missing.count) coded unit(s) are not free-text answers in the store (for example '\(missing.sorted()[0])'); their lines are kept and left out", severity: .warning))
        }
        for (c, n) in unknownCodes.sorted(by: { $0.key < $1.key }) {
            problems.append(Problem(file: log.displayPath, message: "code '\(c)' (on \(n) unit(s)) is not in codebook \(codebook.id) \(codebook.version); the judgement is kept in the file and not counted", severity: .warning))
        }
        if !versions.isEmpty {
            problems.append(Problem(file: log.displayPath, message: "some decisions were made with another version of codebook \(codebook.id) (\(versions.sorted().joined(separator: ", ")); now \(codebook.version)): check the codes that changed", severity: .warning))
        }
        return CoderRecord(coder: coder, latest: latest, problems: problems, unknownCodes: unknownCodes, changedCodebook: !versions.isEmpty)
    }

    /// Judgements of the coders on the units in scope, codes the codebook does not define left out.
    public func judgements(_ record: CoderRecord) -> CoderJudgements {
        let scope = Set(units.map(\.id))
        var out: [String: Set<String>] = [:]
        for (u, d) in record.latest where scope.contains(u) { out[u] = Set(d.codes.filter { codebook.contains($0) }) }
        return CoderJudgements(coder: record.coder, codes: out)
    }

    /// The coders to compare: `names` (each must have coded), or every coder but the consensus.
    public func selectCoders(_ names: [String]?) throws -> [String] {
        let have = coders
        guard let names, !names.isEmpty else { return have.filter { $0 != CoderName.consensus } }
        for n in names {
            try CoderName.validate(n)
            if !have.contains(n) { throw CodingError.unknownCoder(n, available: have) }
        }
        if Set(names).count != names.count { throw CodingError.invalidArgument("--coders names a coder twice") }
        return names
    }

    /// The effective coding of the units in scope: consensus where present, else the majority of `coders`.
    public func effectiveCoding(coders names: [String]? = nil) throws -> (coding: [String: Set<String>], source: String, problems: [Problem]) {
        let chosen = try selectCoders(names)
        var problems: [Problem] = []
        var js: [CoderJudgements] = []
        for c in chosen { let r = try record(of: c); problems += r.problems; js.append(judgements(r)) }
        var consensus: CoderJudgements?
        if coders.contains(CoderName.consensus) {
            let r = try record(of: CoderName.consensus); problems += r.problems; consensus = judgements(r)
        }
        let source = (consensus.map { "consensus (\($0.codes.count) unit(s)), else " } ?? "")
            + "codes applied by more than half of: \(chosen.joined(separator: ", "))"
        return (EffectiveCoding.combine(coders: js, consensus: consensus), source, problems)
    }
}

/// A coder's latest decisions on one codebook, with what is wrong in their file.
public struct CoderRecord: Sendable {
    public var coder: String
    public var latest: [String: CodingDecision]
    public var problems: [Problem]
    /// Code ids in the latest decisions that the codebook does not define, with how many units carry them.
    public var unknownCodes: [String: Int]
    /// Whether some latest decisions were made with another version of the codebook.
    public var changedCodebook: Bool
}
