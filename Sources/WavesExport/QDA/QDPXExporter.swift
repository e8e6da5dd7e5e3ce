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
        // project.qde first: its XML is compressed as it is made (in pieces, never whole) into
        // an unlinked scratch file beside the export, since its sizes must be known before its
        // zip header; then the header and the compressed bytes go to the export.
        let scratch = ScratchFile(try sink.scratch(), for: url.path)
        let qde = try DeflateStream(into: scratch)
        try project.writeXML(to: qde)
        try qde.finish()
        try archive.add("project.qde", qde)
        scratch.close()
        // Then one text file per answer, compressed in parallel a batch at a time, written in unit order.
        try project.writeSources(to: archive)
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
        /// The guid of each unit's source (its file is `sources/<guid>.txt`), made once: 36
        /// bytes a unit, one after the other (`sourceGUID(_:)`).
        var sourceGUIDs: [UInt8] = []
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
            sourceGUIDs.reserveCapacity(36 * units.count)
            for u in units { QDAXML.appendGUID(study: study.id, kind: "source", key: u.id, to: &sourceGUIDs) }
            for c in p.coders {
                let r = try p.record(c)
                records[c] = r
                if !r.unknownCodes.isEmpty { notes.append("\(c): code(s) \(r.unknownCodes.keys.sorted().joined(separator: ", ")) are not in codebook \(p.codebook.id) and are left out.") }
            }
        }

        /// The guid of unit `i`'s source, as bytes.
        func sourceGUID(_ i: Int) -> ArraySlice<UInt8> { sourceGUIDs[36 * i..<36 * i + 36] }

        /// project.qde, compressed by `out` piece by piece (about a megabyte at a time), made
        /// as bytes (`QDAXML.Bytes`) with the same escapes and GUIDs as the strings it once was.
        func writeXML(to out: DeflateStream) throws {
            let p = source
            let study = p.bundle.study
            let book = p.codebook
            let keepTimes = options.effectiveDates == .keep
            // Units come participant by participant: the last pseudonym made is kept.
            var lastWho: (participant: String, name: String)?
            func who(_ participant: String) -> String {
                if let w = lastWho, w.participant == participant { return w.name }
                let name = options.deidentification?.pseudonym(for: participant, study: study.id) ?? participant
                lastWho = (participant, name)
                return name
            }
            var guids: [String: String] = [:]
            for f in book.flat { guids[f.code.id] = QDAXML.guid(study: study.id, kind: "code", key: "\(book.id)/\(f.code.id)") }
            let coders = p.coders
            let userGUID = Dictionary(uniqueKeysWithValues: coders.map { ($0, QDAXML.guid(study: study.id, kind: "user", key: $0)) })
            let latest = keepTimes ? p.latestSubmittedAt() : nil
            let dates = QDAXML.DateTimeCheck()
            var head = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            head += "<Project xmlns=\"urn:QDA-XML:project:1.0\"\(QDAXML.attr("name", study.title))\(QDAXML.attr("origin", "Waves"))"
            head += "\(QDAXML.attr("creationDateTime", dates(latest)))>\n"
            if !coders.isEmpty {
                head += "  <Users>\n"
                for c in coders { head += "    <User\(QDAXML.attr("guid", userGUID[c]))\(QDAXML.attr("name", c))/>\n" }
                head += "  </Users>\n"
            }
            head += "  <CodeBook>\n    <Codes>\n"
            QDAXML.codes(book.codes, book: book, guids: guids, indent: "      ", out: &head)
            head += "    </Codes>\n  </CodeBook>\n"
            var x = QDAXML.Bytes()
            x.bytes.reserveCapacity((1 << 20) + (1 << 16))
            x.raw(head)
            func flushIfLarge() throws {
                guard x.bytes.count >= 1 << 20 else { return }
                try out.append(x.bytes)
                x.bytes.removeAll(keepingCapacity: true)
            }
            // Cases: one per participant (in order of first unit), referring to their sources.
            x.raw("  <Cases>\n")
            let order = caseOrder()
            var k = 0
            while k < units.count {
                let person = units[order?[k] ?? k].participant
                let name = who(person)
                x.raw("    <Case guid=\"")
                QDAXML.appendGUID(study: study.id, kind: "case", key: name, to: &x.bytes)
                x.raw("\""); x.attr("name", name); x.raw(">\n")
                while k < units.count, case let i = order?[k] ?? k, units[i].participant == person {
                    x.raw("      <SourceRef"); x.rawAttr("targetGUID", sourceGUID(i)); x.raw("/>\n")
                    k += 1
                }
                x.raw("    </Case>\n")
                try flushIfLarge()
            }
            x.raw("  </Cases>\n  <Sources>\n")
            let waveLabel = Dictionary(uniqueKeysWithValues: study.waves.map { ($0.id, $0.label) })
            for (i, u) in units.enumerated() {
                let sg = sourceGUID(i)
                let created = keepTimes ? dates(p.submittedAt(u.record)) : nil
                let participant = who(u.participant)
                x.raw("    <TextSource"); x.rawAttr("guid", sg); x.attr("name", "\(participant) \(u.wave) \(u.item)")
                x.raw(" plainTextPath=\"internal://"); x.raw(sg); x.raw(".txt\""); x.attr("creationDateTime", created); x.raw(">\n")
                x.raw("      <Description>")
                x.text("Participant \(participant) (\(u.role ?? "no role")), wave \(u.wave) (\(waveLabel[u.wave] ?? u.wave)), \(u.instrument).\(u.item): \(u.prompt)")
                x.raw("</Description>\n")
                var length: Int?
                for c in coders {
                    guard let d = records[c]?.latest[u.id] else { continue }
                    if length == nil { length = SafeText.stripControls(u.text).unicodeScalars.count }
                    let applied = d.codes.filter { book.contains($0) }
                    let at = keepTimes ? dates(d.at) : nil
                    x.raw("      <PlainTextSelection guid=\"")
                    QDAXML.appendGUID(study: study.id, kind: "selection", key: "\(c)/\(u.id)", to: &x.bytes)
                    x.raw("\""); x.attr("name", "\(c): \(applied.isEmpty ? "no code" : applied.joined(separator: ", "))")
                    x.raw(" startPosition=\"0\" endPosition=\""); x.number(length!); x.raw("\"")
                    x.attr("creatingUser", userGUID[c]); x.attr("creationDateTime", at); x.raw(">\n")
                    if !d.memo.isEmpty { x.raw("        <Description>"); x.text(d.memo); x.raw("</Description>\n") }
                    for code in applied {
                        x.raw("        <Coding guid=\"")
                        QDAXML.appendGUID(study: study.id, kind: "coding", key: "\(c)/\(u.id)/\(code)", to: &x.bytes)
                        x.raw("\""); x.attr("creatingUser", userGUID[c]); x.attr("creationDateTime", at); x.raw(">\n")
                        x.raw("          <CodeRef"); x.attr("targetGUID", guids[code]); x.raw("/>\n        </Coding>\n")
                    }
                    x.raw("      </PlainTextSelection>\n")
                }
                x.raw("    </TextSource>\n")
                try flushIfLarge()
            }
            x.raw("  </Sources>\n</Project>\n")
            try out.append(x.bytes)
        }

        /// The units in case order: each participant's units together, participants in order of
        /// their first unit. Nil when that is the units' own order (each participant's units
        /// are consecutive, as the study order makes them), so no index is kept.
        func caseOrder() -> [Int]? {
            var seen = Set<String>()
            var i = 0
            var together = true
            while i < units.count {
                let p = units[i].participant
                guard seen.insert(p).inserted else { together = false; break }
                while i < units.count && units[i].participant == p { i += 1 }
            }
            if together { return nil }
            var byPerson: [String: [Int]] = [:]
            var people: [String] = []
            for (i, u) in units.enumerated() {
                if byPerson[u.participant] == nil { people.append(u.participant) }
                byPerson[u.participant, default: []].append(i)
            }
            return people.flatMap { byPerson[$0]! }
        }

        /// One text file per unit (`sources/<guid>.txt`: the text with controls stripped), in
        /// unit order. The files are compressed in parallel, a batch of units per worker at a
        /// time (each with its own `Deflater`; the bytes do not depend on which worker), and
        /// written in order.
        func writeSources(to archive: ZipStreamWriter) throws {
            let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
            let perWorker = 4096
            var start = 0
            var path: [UInt8] = Array("sources/".utf8)
            while start < units.count {
                let end = min(units.count, start + perWorker * workers)
                var pieces: [ArraySlice<CodingUnit>] = []
                var from = start
                while from < end {
                    pieces.append(units[from..<min(end, from + perWorker)])
                    from += perWorker
                }
                let done = Parallel.map(pieces, workers: workers) { CompressedTexts.make($0) }
                var i = start
                for result in done {
                    let texts = try result.get()
                    try texts.bytes.withUnsafeBytes { all in
                        var at = 0
                        for k in texts.ends.indices {
                            path.removeSubrange(8...)
                            path.append(contentsOf: sourceGUID(i)); path.append(contentsOf: ".txt".utf8)
                            try archive.add(String(decoding: path, as: UTF8.self), crc: texts.crcs[k], uncompressed: UInt64(texts.sizes[k]),
                                            compressed: UnsafeRawBufferPointer(rebasing: all[at..<texts.ends[k]]))
                            at = texts.ends[k]
                            i += 1
                        }
                    }
                }
                start = end
            }
        }
    }

    /// The source files of some units, compressed one after the other into one buffer.
    struct CompressedTexts: Sendable {
        var bytes: [UInt8] = []
        /// Where each unit's compressed bytes end in `bytes`.
        var ends: [Int] = []
        var crcs: [UInt32] = []
        /// Each file's size before compression.
        var sizes: [Int] = []

        static func make(_ units: ArraySlice<CodingUnit>) -> Result<CompressedTexts, any Error> {
            Result {
                let deflater = try Deflater()
                var out = CompressedTexts()
                out.ends.reserveCapacity(units.count); out.crcs.reserveCapacity(units.count); out.sizes.reserveCapacity(units.count)
                for u in units {
                    var text = SafeText.stripControls(u.text)
                    let crc = try text.withUTF8 { try deflater.deflate(UnsafeRawBufferPointer($0), appendingTo: &out.bytes) }
                    out.ends.append(out.bytes.count)
                    out.crcs.append(crc)
                    out.sizes.append(text.utf8.count)
                }
                return out
            }
        }
    }
}
