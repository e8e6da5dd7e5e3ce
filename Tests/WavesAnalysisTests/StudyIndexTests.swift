import XCTest
@testable import WavesAnalysis
import WavesCore
import WavesStore

/// One rule for the latest submission and for roles, read the same way by every reader of the store.
final class StudyIndexTests: XCTestCase {
    func testLatestSubmissionComparesTheTextAndLetsALaterLineWinATie() {
        XCTAssertTrue(LatestSubmission.replaces("2026-03-01T10:00:01Z", "2026-03-01T10:00:00Z"))
        XCTAssertFalse(LatestSubmission.replaces("2026-03-01T09:59:59Z", "2026-03-01T10:00:00Z"))
        XCTAssertTrue(LatestSubmission.replaces("2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z"), "a tie goes to the later line")
        // A digits-only reading would rank the fractional stamp later (more digits); as text it is earlier.
        XCTAssertFalse(LatestSubmission.replaces("2026-03-01T10:00:00.5Z", "2026-03-01T10:00:01Z"))
    }

    /// The in-place byte comparison against the byte-by-byte sequence comparison it replaces,
    /// on random texts: empty, small (held inline) and long, ASCII, non-ASCII and NUL bytes,
    /// prefixes of each other, and bridged (non-native) strings.
    func testLatestSubmissionMatchesTheByteOrderOnRandomTexts() {
        var rng = SplitMix64(seed: 61)
        let alphabet: [String] = ["0", "1", "9", ":", "T", "Z", ".", "-", "\u{0}", "\u{7F}", "é", "\u{10FFFF}", "😀", "z"]
        func text() -> String {
            let n = Int.random(in: 0...30, using: &rng)
            return (0..<n).map { _ in alphabet.randomElement(using: &rng)! }.joined()
        }
        for _ in 0..<20_000 {
            var a = text(), b = Bool.random(using: &rng) ? text() : a
            if Bool.random(using: &rng) { b = String(b.prefix(Int.random(in: 0...b.count, using: &rng))) }
            if Int.random(in: 0..<10, using: &rng) == 0 { a = String(NSString(string: a)) }
            XCTAssertEqual(LatestSubmission.replaces(a, b), !a.utf8.lexicographicallyPrecedes(b.utf8), "\(a.debugDescription) vs \(b.debugDescription)")
            XCTAssertEqual(LatestSubmission.replaces(b, a), !b.utf8.lexicographicallyPrecedes(a.utf8), "\(b.debugDescription) vs \(a.debugDescription)")
        }
    }

    /// `PackedStrings` (the index's latest time stamps) against an array of strings under random
    /// appends and replacements, and the rule read from it against the rule on the strings.
    func testPackedStringsHoldWhatAnArrayHolds() {
        var rng = SplitMix64(seed: 62)
        let alphabet: [String] = ["0", "2", ":", "T", "Z", "\u{0}", "é", "😀"]
        func text() -> String { (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined() }
        var packed = PackedStrings(repeatingEmpty: 3), plain = ["", "", ""]
        for _ in 0..<5_000 {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: let t = text(); packed.append(t); plain.append(t)
            case 1: packed.appendEmpty(2); plain += ["", ""]
            default:
                let i = Int.random(in: 0..<plain.count, using: &rng), t = text()
                XCTAssertEqual(LatestSubmission.replaces(t, packed, i), LatestSubmission.replaces(t, plain[i]), "\(t.debugDescription) vs \(plain[i].debugDescription)")
                packed[i] = t; plain[i] = t
            }
        }
        XCTAssertEqual(packed.count, plain.count)
        XCTAssertEqual((0..<packed.count).map { packed[$0] }, plain)
        var other = PackedStrings()
        for t in plain { other.append(t) }
        XCTAssertEqual(other, packed, "equal contents are equal, however they were written")
        other[0] = plain[0] + "x"
        XCTAssertNotEqual(other, packed)
        // A string of 16 MB or more (a hostile store line's time stamp) is kept whole, replaced
        // and read back like the others.
        let huge = String(repeating: "9", count: 1 << 24)
        other[1] = huge
        XCTAssertEqual(other[1], huge)
        XCTAssertTrue(LatestSubmission.replaces(huge + "0", other, 1))
        XCTAssertFalse(LatestSubmission.replaces("0", other, 1))
        other[1] = plain[1]
        XCTAssertEqual(other[1], plain[1])
        XCTAssertEqual((2..<plain.count).map { other[$0] }, Array(plain[2...]))
    }

    func testRolePrecedence() {
        var t = RolePrecedence.Tracker()
        t.see(participant: "A", role: "mentor", submittedAt: "2026-03-02T00:00:00Z")
        t.see(participant: "A", role: "mentee", submittedAt: "2026-03-01T00:00:00Z")   // older, read later
        t.see(participant: "A", role: nil, submittedAt: "2026-03-09T00:00:00Z")        // names no role
        XCTAssertEqual(t.role(of: "A", roster: nil), "mentor")
        XCTAssertNil(t.role(of: "B", roster: nil))
        XCTAssertEqual(RolePrecedence.role(roster: "x", recorded: "y"), "x")
        XCTAssertEqual(RolePrecedence.role(roster: nil, records: [("a", "2026-03-02"), ("b", "2026-03-01"), (nil, "2026-03-05")]), "a")
    }

    /// Two resubmissions of `original` (the demo's P001 at w1 of `identity`), with pi01 changed:
    /// `early`, a fractional stamp that is earlier as text, and `late`, a later one (appended
    /// first by the tests, so it is read first).
    static func resubmissions(of original: ResponseRecord) -> (early: ResponseRecord, late: ResponseRecord) {
        var early = original, late = original
        early.id = "early"; early.submittedAt = original.submittedAt.replacingOccurrences(of: "Z", with: ".9Z")
        early.answers = early.answers.map { ($0.id, $0.id == "pi01" ? Answer.number(2) : $0.value) }
        late.id = "late"; late.submittedAt = "2027-01-01T00:00:00Z"
        late.answers = late.answers.map { ($0.id, $0.id == "pi01" ? Answer.number(1) : $0.value) }
        return (early, late)
    }

    /// The index, the in-memory selection and the columnar loader choose the same submissions.
    func testEveryReaderChoosesTheSameSubmission() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-index-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: InstrumentDataTests.demo, to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        var data = try StudyData.load(directory: dir)
        let inst = data.bundle.instrument("identity")!
        let original = data.records(of: inst).first { $0.participant == "P001" && $0.wave == "w1" }!
        let (early, late) = Self.resubmissions(of: original)
        try ResponseStore(url: data.study.storeURL).append([late, early])
        data = try StudyData.load(directory: dir)
        let index = try StudyIndex.load(data.bundle)
        XCTAssertEqual(index.duplicates, data.duplicates)
        XCTAssertEqual(index.duplicates.count, 1)
        XCTAssertEqual(data.records(of: inst).first { $0.participant == "P001" && $0.wave == "w1" }?.id, "late")
        let cols = try InstrumentData.load(data.bundle, instrument: inst)
        let p = cols.participants.firstIndex(of: "P001")!
        XCTAssertEqual(cols.values[(p * cols.waves.count + 0) * cols.items.count + 0], 1, "the columnar loader keeps the same submission")
        // Participants and roles agree between the index, StudyData and the columnar loader.
        XCTAssertEqual(index.participants, data.participants)
        for (k, who) in index.participants.enumerated() { XCTAssertEqual(index.roles[k], data.roles[who], who) }
        for (k, who) in cols.participants.enumerated() { XCTAssertEqual(cols.roles[k], data.roles[who], who) }
        let status = CompletionStatus(index)
        XCTAssertEqual(status.duplicates, 1)
        XCTAssertEqual(index.chosenSubmissions, data.records.count)
    }

    /// The index's instrument versions, counted per file over its cells, are what
    /// `InstrumentVersions.build` gives from the chosen records one by one: other files and
    /// version strings at some waves, one file named by two version strings, stamps earlier or
    /// later as text, and stamps that are not ASCII.
    func testIndexVersionsAreTheRecordsVersions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-index-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: InstrumentDataTests.demo, to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        var data = try StudyData.load(directory: dir)
        let old = String(repeating: "ab", count: 32), other = String(repeating: "cd", count: 32)
        var extra: [ResponseRecord] = []
        for (n, r) in data.records.enumerated() where n % 3 == 0 {
            var x = r
            x.id = "re-\(n)"
            switch n % 4 {
            case 0: x.instrument.sha256 = old; x.instrument.version = "0.9"; x.submittedAt = "2027-0\(n % 9 + 1)-01T00:00:00Z"
            case 1: x.instrument.sha256 = old; x.instrument.version = "0.9-b"; x.submittedAt = "2026-12-3\(n % 2)T00:00:0\(n % 10)Zé"
            case 2: x.instrument.sha256 = other; x.instrument.version = "2.0"; x.submittedAt = "2028-01-01T00:00:0\(n % 10)Z"
            default: x.instrument.version = "renamed"; x.submittedAt = "2029-12-31T23:59:59.\(n)Z"
            }
            extra.append(x)
        }
        try ResponseStore(url: data.study.storeURL).append(extra)
        data = try StudyData.load(directory: dir)
        let archive = InstrumentArchive(store: ResponseStore(url: data.study.storeURL))
        let index = try StudyIndex.load(data.bundle)
        let got = try index.instrumentVersions(archive: archive).entries
        let want = try InstrumentVersions.build(bundle: data.bundle, records: data.records, archive: archive).entries
        func shape(_ e: [InstrumentVersions.Entry]) -> [String] {
            e.flatMap { entry in entry.versions.map { "\(entry.instrument) \($0.sha256) \($0.version) \($0.waves) \($0.records) \($0.firstUsed) \($0.isCurrent)" } }
        }
        XCTAssertEqual(shape(got), shape(want))
        XCTAssertGreaterThan(shape(want).count, data.bundle.instruments.count + 1, "other files are among the versions")
        XCTAssertTrue(shape(want).contains { $0.contains("é") }, "a stamp that is not ASCII is some version's first use")
    }
}
