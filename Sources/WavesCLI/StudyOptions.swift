import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

/// `--study DIR`, shared by every command.
struct StudyOptions: ParsableArguments {
    @Option(name: .long, help: "The study folder (default: the current directory).")
    var study: String = "."

    var directory: URL { URL(fileURLWithPath: study, isDirectory: true).standardizedFileURL }

    /// The study folder and the shared instruments folder (`WAVES_SHARED_INSTRUMENTS`).
    var folders: StudyFolders { StudyFolders.fromEnvironment(study: directory) }

    func loadBundle() throws -> StudyBundle { try StudyLoader.load(folders: folders) }

    /// Loads the study and its store, telling the user on stderr about set-aside duplicates and unreadable lines.
    func loadData(quiet: Bool = false) throws -> StudyData {
        let data = try StudyData.load(directory: directory)
        if !quiet { StudyOptions.reportStoreNotes(data) }
        return data
    }

    /// Loads the study and indexes its store in one streaming pass (`StudyIndex`), with the same notes.
    /// `alongside(bundle)` gives what else should see each row of that pass.
    func loadIndex(quiet: Bool = false,
                   alongside: (StudyBundle) throws -> (StoreRow, Int) throws -> Void = { _ in { _, _ in } }) throws -> StudyIndex {
        let bundle = try StudyLoader.load(directory: directory)
        let index = try StudyIndex.load(bundle, alongside: try alongside(bundle))
        if !quiet { StudyOptions.reportStoreNotes(study: index.bundle.study, duplicates: index.duplicateCount, problems: index.problems.count) }
        return index
    }

    /// One line on stderr when the existing store can be read by group or others: it holds
    /// participants' answers (a store copied from git or made under a loose umask).
    static func warnIfStoreExposed(_ study: Study) {
        guard let mode = ResponseStore(url: study.storeURL).exposedPermissions else { return }
        let path = study.storeURL.path
        Output.err("warning: \(path) can be read by other users (mode \(OutputMode.describe(mode))) and holds participants' answers; make it private with `chmod 600 \(path)`.")
    }

    /// The one note line about stored answers that their item's rules reject (set aside as missing).
    static func reportSetAside(_ answers: [SetAsideAnswer]) {
        if let note = SetAsideAnswer.note(Array(Set(answers))) { Output.err("note: " + note) }
    }

    static func reportStoreNotes(_ data: StudyData) {
        reportStoreNotes(study: data.study, duplicates: data.duplicates.count, problems: data.problems.count)
        reportDrifts(try? InstrumentVersions.build(bundle: data.bundle, records: data.records,
                                                   archive: InstrumentArchive(store: ResponseStore(url: data.study.storeURL))), bundle: data.bundle)
    }

    /// The notes of `reportStoreNotes(_ data:)` from the index, which keeps no record.
    static func reportStoreNotes(_ index: StudyIndex) {
        reportStoreNotes(study: index.bundle.study, duplicates: index.duplicateCount, problems: index.problems.count)
        reportDrifts(try? index.instrumentVersions(archive: InstrumentArchive(store: ResponseStore(url: index.bundle.study.storeURL))),
                     bundle: index.bundle)
    }

    /// Records made with a kept instrument version that scores a scale differently from the current file.
    static func reportDrifts(_ versions: InstrumentVersions?, bundle: StudyBundle) {
        for d in versions?.drifts(bundle: bundle) ?? [] { Output.err("warning: " + d.message) }
    }

    static func reportStoreNotes(study: Study, duplicates: Int, problems: Int) {
        warnIfStoreExposed(study)
        if duplicates > 0 {
            Output.err("note: \(duplicates) participant/wave/instrument combination(s) were submitted more than once; the latest submission is used (see `waves validate`).")
        }
        if problems > 0 {
            Output.err("note: \(problems) store line(s) could not be read and were skipped (see `waves validate`).")
        }
    }
}

/// Encodes results as one JSON document (contract key names, sorted for stable output, no NaN).
///
/// Every control character (C0, DEL, C1, bidirectional marks: `SafeText.isControl`) inside a
/// string is written as a `\\uXXXX` escape: the same data, valid JSON, and nothing that can act
/// on a terminal (JSONEncoder escapes C0 itself but leaves DEL, C1 and U+202E raw).
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        Output.record(try text(value) + "\n")
    }

    /// One value as `print` writes it, without the line end (for a command that writes a long
    /// list piece by piece: the pieces join to the same bytes).
    static func text<T: Encodable>(_ value: T) throws -> String {
        escapingControls(String(decoding: try encoder().encode(value), as: UTF8.self))
    }

    static func encoder() -> JSONEncoder {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .throw
        return enc
    }

    /// Writes the document `print` would write for a value with a long array under one key,
    /// without holding the array or its text: `shell` is that value with the array empty, so
    /// its encoding holds `"key":[]` once (a quote inside a string is always escaped, so
    /// the marker can only be the key itself); the elements that `elements` emits are encoded
    /// by the same encoder in chunks (compact JSON writes an array as its elements joined by
    /// commas) and written between the brackets as they come. Same bytes as `print`;
    /// `JSONStreamTests` holds the two to it. An element that cannot be encoded (NaN) throws
    /// as `print` does, but after the earlier chunks were written.
    ///
    /// `fast`, when given, writes one element as the encoder would (nil: the encoder writes it):
    /// for a very long list of one simple shape (`waves score --json`), where the encoder's own
    /// cost per element dominated. `JSONStreamTests` holds such a writer to the encoder.
    static func printStreaming<T: Encodable, Element: Encodable>(_ shell: T, arrayKey key: String, of _: Element.Type,
                                                               chunk: Int = 4096, to write: @escaping (String) -> Void = Output.record,
                                                               fast: ((Element) -> String?)? = nil,
                                                               elements: (_ emit: (Element) throws -> Void) throws -> Void) throws {
        let frame = try streamingFrame(shell, arrayKey: key)
        let enc = encoder()
        write(frame.head)
        var pending: [Element] = []
        pending.reserveCapacity(chunk)
        var first = true
        func flush() throws {
            guard !pending.isEmpty else { return }
            let array = escapingControls(String(decoding: try enc.encode(pending), as: UTF8.self))   // "[a,b]"
            write((first ? "" : ",") + String(array.dropFirst().dropLast()))
            first = false
            pending.removeAll(keepingCapacity: true)
        }
        if let fast {
            var text = ""
            try elements { e in
                if !first { text += "," }
                first = false
                if let t = fast(e) { text += t } else { text += escapingControls(String(decoding: try enc.encode(e), as: UTF8.self)) }
                if text.utf8.count >= 1 << 16 { write(text); text = "" }
            }
            if !text.isEmpty { write(text) }
        } else {
            try elements { e in
                pending.append(e)
                if pending.count >= chunk { try flush() }
            }
            try flush()
        }
        write(frame.tail)
    }

    /// The text `printStreaming` writes before the array's elements (up to and with its "[")
    /// and after them (from its "]" to the line end).
    static func streamingFrame<T: Encodable>(_ shell: T, arrayKey key: String) throws -> (head: String, tail: String) {
        let document = try text(shell)
        let marker = try text([key: [Int]()]).dropFirst().dropLast()   // "key":[] with the key as the encoder escapes it
        guard let at = document.range(of: marker), document.range(of: marker, range: at.upperBound..<document.endIndex) == nil else {
            throw EncodingError.invalidValue(key, .init(codingPath: [], debugDescription: "the array key must occur once, with an empty array"))
        }
        return (String(document[..<at.lowerBound]) + String(marker.dropLast()), "]" + String(document[at.upperBound...]) + "\n")
    }

    /// Whether `encoder()` writes `s` as it is between quotes: printable ASCII without quote or
    /// backslash (nothing to escape). For the writers that skip the encoder for plain elements.
    static func isPlain(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }

    /// A number as `encoder()` writes it (its `description` without a trailing ".0"), when it is
    /// finite; else nil (the encoder then writes the element, or refuses it). `JSONStreamTests`
    /// holds this to the encoder (fractions, exponents, signed zero).
    static func plainNumber(_ d: Double) -> String? {
        guard d.isFinite else { return nil }
        var s = d.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    /// Compact JSON text with every control scalar escaped. Outside strings compact JSON holds
    /// only ASCII structure and numbers, so every control found here is inside a string; all
    /// are in the Basic Multilingual Plane and need no surrogate pair.
    static func escapingControls(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: SafeText.isControl) else { return json }
        var out = String.UnicodeScalarView()
        for u in json.unicodeScalars {
            if SafeText.isControl(u) {
                let hex = String(u.value, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }
}
