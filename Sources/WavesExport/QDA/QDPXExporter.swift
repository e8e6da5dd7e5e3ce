import Foundation
import WavesAnalysis
import WavesCoding
import WavesCore
import ZIPFoundation

/// REFI-QDA exports of the qualitative strand (`waves export --format qdpx | codebook-qdc`).
///
/// qdpx: a zip (ZIPFoundation) holding `project.qde`, a QDA-XML project (schema
/// Project-mrt2019.xsd, namespace urn:QDA-XML:project:1.0), and one plain-text file per answer
/// under `sources/`. The codebook becomes `<Codes>` named by label with the Waves id in the
/// description; each coder (and the consensus) a `<User>` named as the coder; each answer a
/// `<TextSource>` with one `<PlainTextSelection>` per coder over the whole text, its memo as the
/// description and one `<Coding>` per code applied; each participant a `<Case>`. Positions count
/// Unicode scalars of the source text. codebook-qdc: the codebook alone (urn:QDA-XML:codebook:1.0).
public enum QDPXExporter {
    public static func export(_ data: StudyData, format: ExportFormat, to url: URL, options: ExportOptions) throws -> ExportResult {
        let target = try Exporter.outputTarget(url, data, options)
        let project: CodingProject
        do { project = try CodingProject.make(data: data, codebook: options.codebook) } catch let e as LoadError {
            throw ExportError.nothingToExport(e.problems.map(\.description).joined(separator: "; "))
        }
        // The first counted record with each id, found once (a search per unit was O(units x records)).
        var submitted: [String: String] = [:]
        if format == .qdpx { for r in data.records where submitted[r.id] == nil { submitted[r.id] = r.submittedAt } }
        let source = Source(bundle: data.bundle, codebook: project.codebook, units: project.units, coders: project.coders,
                            record: project.record(of:), latestSubmittedAt: { data.records.map(\.submittedAt).max() },
                            submittedAt: { submitted[$0] })
        return try write(source, format: format, to: url, target: target, options: options)
    }

    /// The same files from one streaming pass over the store (`StreamedCodingUnits`: the units
    /// and the submission times, no record kept; for codebook-qdc it may be loaded without units).
    public static func export(_ data: StreamedCodingUnits, format: ExportFormat, to url: URL, options: ExportOptions) throws -> ExportResult {
        let target = try Exporter.outputTarget(url, study: data.study, options)
        let book: WavesCore.Codebook
        do { book = try CodingProject.codebook(studyDirectory: data.study.directory, named: options.codebook).0 } catch let e as LoadError {
            throw ExportError.nothingToExport(e.problems.map(\.description).joined(separator: "; "))
        }
        let directory = data.study.directory, allUnitIDs = Set(data.units.map(\.id))
        let source = Source(bundle: data.bundle, codebook: book, units: data.units, coders: CodingLog.coders(studyDirectory: directory),
                            record: { try CodingProject.record(of: $0, studyDirectory: directory, codebook: book, allUnitIDs: allUnitIDs) },
                            latestSubmittedAt: { data.latestSubmittedAt }, submittedAt: data.submittedAt(record:))
        return try write(source, format: format, to: url, target: target, options: options)
    }

    /// What the export reads, from a loaded study (`CodingProject`) or a streamed one.
    struct Source {
        var bundle: StudyBundle
        var codebook: WavesCore.Codebook
        /// Every unit of the study, in study order.
        var units: [CodingUnit]
        var coders: [String]
        var record: (String) throws -> CoderRecord
        /// The latest `submitted_at` of the counted submissions.
        var latestSubmittedAt: () -> String?
        /// The `submitted_at` of the first counted record with this id.
        var submittedAt: (String) -> String?
    }

    static func write(_ source: Source, format: ExportFormat, to url: URL, target: OutputTarget, options: ExportOptions) throws -> ExportResult {
        let study = source.bundle.study
        if format == .codebookQdc {
            try Exporter.writeText(codebookXML(source.codebook, study: study.id), to: target)
            return ExportResult(files: [url], rows: 0, variables: source.codebook.flat.count)
        }
        if options.deidentification != nil && !options.includesText {
            throw ExportError.cannotWrite(path: url.path, reason: "a qdpx project is the answers' text; with --deidentify add --keep-text (participant ids become pseudonyms, the text itself is not changed)")
        }
        let project = try Project(source, options: options)
        let sink = FileSink()
        try sink.open(target)
        defer { sink.discard() }
        let stamp = Date(timeIntervalSince1970: 1_767_225_600)   // fixed entry dates: the same export gives the same bytes
        let archive = ZipStreamWriter(sink: sink, modificationDate: stamp)
        // project.qde first: its XML goes in pieces to an unlinked scratch file beside the
        // export (its size must be known before its zip header), then is compressed from there.
        let scratch = ScratchFile(try sink.scratch(), for: url.path)
        try project.writeXML(to: scratch)
        try scratch.flush()
        try archive.add("project.qde", size: scratch.size) { pos, size in try scratch.read(at: pos, count: size) }
        scratch.close()
        // Then one text file per answer, each compressed and written as it is made.
        for (u, sg) in zip(project.units, project.sourceGUIDs) {
            try archive.add("sources/\(sg).txt", Data(SafeText.stripControls(u.text).utf8))
        }
        try archive.finish()
        try sink.commit()
        return ExportResult(files: [url], rows: project.units.count, variables: source.codebook.flat.count, notes: project.notes)
    }

    static func codebookXML(_ book: WavesCore.Codebook, study: String) -> String {
        var guids: [String: String] = [:]
        for f in book.flat { guids[f.code.id] = QDAXML.guid(study: study, kind: "code", key: "\(book.id)/\(f.code.id)") }
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"\(QDAXML.attr("origin", "Waves (codebook \(book.id) \(book.version))"))>\n  <Codes>\n"
        QDAXML.codes(book.codes, book: book, guids: guids, indent: "    ", out: &out)
        return out + "  </Codes>\n</CodeBook>\n"
    }

    /// One qdpx project: the units in scope, the coders' records and notes, checked before the
    /// output is opened; `writeXML` writes project.qde in pieces (no whole-document string).
    struct Project {
        var source: Source
        var options: ExportOptions
        var units: [CodingUnit]
        /// The guid of each unit's source (its file is `sources/<guid>.txt`), made once.
        var sourceGUIDs: [String]
        var records: [String: CoderRecord] = [:]
        var notes: [String] = []

        init(_ p: Source, options: ExportOptions) throws {
            source = p; self.options = options
            let study = p.bundle.study
            var units = p.units
            if let ws = options.waves, !ws.isEmpty { _ = try p.bundle.resolveWaves(ws); units = units.filter { ws.contains($0.wave) } }
            if let i = options.instrument { _ = try p.bundle.resolveInstrument(i); units = units.filter { $0.instrument == i } }
            guard !units.isEmpty else { throw ExportError.nothingToExport("the store holds no free-text answers in this scope") }
            self.units = units
            sourceGUIDs = units.map { QDAXML.guid(study: study.id, kind: "source", key: $0.id) }
            for c in p.coders {
                let r = try p.record(c)
                records[c] = r
                if !r.unknownCodes.isEmpty { notes.append("\(c): code(s) \(r.unknownCodes.keys.sorted().joined(separator: ", ")) are not in codebook \(p.codebook.id) and are left out.") }
            }
        }

        /// project.qde, appended to `out` piece by piece (about one source at a time).
        func writeXML(to out: ScratchFile) throws {
            let p = source
            let study = p.bundle.study
            let book = p.codebook
            let keepTimes = options.effectiveDates == .keep
            func who(_ participant: String) -> String {
                options.deidentification?.pseudonym(for: participant, study: study.id) ?? participant
            }
            var guids: [String: String] = [:]
            for f in book.flat { guids[f.code.id] = QDAXML.guid(study: study.id, kind: "code", key: "\(book.id)/\(f.code.id)") }
            let coders = p.coders
            let userGUID = Dictionary(uniqueKeysWithValues: coders.map { ($0, QDAXML.guid(study: study.id, kind: "user", key: $0)) })
            let latest = keepTimes ? p.latestSubmittedAt() : nil
            let dates = QDAXML.DateTimeCheck()
            var x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            x += "<Project xmlns=\"urn:QDA-XML:project:1.0\"\(QDAXML.attr("name", study.title))\(QDAXML.attr("origin", "Waves"))"
            x += "\(QDAXML.attr("creationDateTime", dates(latest)))>\n"
            if !coders.isEmpty {
                x += "  <Users>\n"
                for c in coders { x += "    <User\(QDAXML.attr("guid", userGUID[c]))\(QDAXML.attr("name", c))/>\n" }
                x += "  </Users>\n"
            }
            x += "  <CodeBook>\n    <Codes>\n"
            QDAXML.codes(book.codes, book: book, guids: guids, indent: "      ", out: &x)
            x += "    </Codes>\n  </CodeBook>\n"
            try out.append(x)
            // Cases: one per participant (in order of first unit), referring to their sources.
            var byPerson: [String: [Int]] = [:]
            var people: [String] = []
            for (i, u) in units.enumerated() {
                if byPerson[u.participant] == nil { people.append(u.participant) }
                byPerson[u.participant, default: []].append(i)
            }
            try out.append("  <Cases>\n")
            for person in people {
                let name = who(person)
                x = "    <Case\(QDAXML.attr("guid", QDAXML.guid(study: study.id, kind: "case", key: name)))\(QDAXML.attr("name", name))>\n"
                for i in byPerson[person]! { x += "      <SourceRef\(QDAXML.attr("targetGUID", sourceGUIDs[i]))/>\n" }
                x += "    </Case>\n"
                try out.append(x)
            }
            byPerson = [:]
            try out.append("  </Cases>\n  <Sources>\n")
            let waveLabel = Dictionary(uniqueKeysWithValues: study.waves.map { ($0.id, $0.label) })
            for (u, sg) in zip(units, sourceGUIDs) {
                let text = SafeText.stripControls(u.text)
                let file = "\(sg).txt"
                let created = keepTimes ? dates(p.submittedAt(u.record)) : nil
                x = "    <TextSource\(QDAXML.attr("guid", sg))\(QDAXML.attr("name", "\(who(u.participant)) \(u.wave) \(u.item)"))"
                x += "\(QDAXML.attr("plainTextPath", "internal://\(file)"))\(QDAXML.attr("creationDateTime", created))>\n"
                let desc = "Participant \(who(u.participant)) (\(u.role ?? "no role")), wave \(u.wave) (\(waveLabel[u.wave] ?? u.wave)), \(u.instrument).\(u.item): \(u.prompt)"
                x += "      <Description>\(QDAXML.text(desc))</Description>\n"
                let length = text.unicodeScalars.count
                for c in coders {
                    guard let d = records[c]?.latest[u.id] else { continue }
                    let applied = d.codes.filter { book.contains($0) }
                    let at = keepTimes ? dates(d.at) : nil
                    let sel = QDAXML.guid(study: study.id, kind: "selection", key: "\(c)/\(u.id)")
                    x += "      <PlainTextSelection\(QDAXML.attr("guid", sel))\(QDAXML.attr("name", "\(c): \(applied.isEmpty ? "no code" : applied.joined(separator: ", "))"))"
                    x += " startPosition=\"0\" endPosition=\"\(length)\"\(QDAXML.attr("creatingUser", userGUID[c]))\(QDAXML.attr("creationDateTime", at))>\n"
                    if !d.memo.isEmpty { x += "        <Description>\(QDAXML.text(d.memo))</Description>\n" }
                    for code in applied {
                        x += "        <Coding\(QDAXML.attr("guid", QDAXML.guid(study: study.id, kind: "coding", key: "\(c)/\(u.id)/\(code)")))"
                        x += "\(QDAXML.attr("creatingUser", userGUID[c]))\(QDAXML.attr("creationDateTime", at))>\n"
                        x += "          <CodeRef\(QDAXML.attr("targetGUID", guids[code]))/>\n        </Coding>\n"
                    }
                    x += "      </PlainTextSelection>\n"
                }
                x += "    </TextSource>\n"
                try out.append(x)
            }
            try out.append("  </Sources>\n</Project>\n")
        }
    }
}
