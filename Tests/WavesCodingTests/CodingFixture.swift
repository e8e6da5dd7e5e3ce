import Foundation
import WavesCore
import WavesStore
@testable import WavesCoding

/// A small study in a temporary folder: one diary instrument with two free-text items, a
/// three-code codebook with one child, and six answers (one of them hostile text).
enum CodingFixture {
    static let codebook = """
    format: waves.codebook/1
    id: mini
    version: 1.0.0
    title: Mini codebook
    codes:
      - id: eco
        label: Ecosystem
        definition: Where mentoring happens.
        codes:
          - id: micro
            label: Dyad
            definition: The mentor-mentee pair.
            include: One partner and the other.
            exclude: Groups.
            examples: [My mentor listened.]
      - id: reflection
        label: Reflection
        definition: Stepping back from an experience.
      - id: identity
        label: Identity work
        definition: Trying on a professional self.

    """

    static let hostile = "I said \u{1B}]0;PWNED\u{07}\u{1B}[2J<script>alert(1)</script> \u{202E}evil"

    static func make(_ name: String = "coding") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-coding-\(name)-\(UUID().uuidString.prefix(8))")
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("codebooks"), withIntermediateDirectories: true)
        try """
        format: waves.study/1
        id: mini
        title: Mini study
        roles: [mentee, peer-mentor]
        waves:
          - {id: w1, label: Start, time: 0}
          - {id: w2, label: End, time: 6}
        instruments:
          - path: instruments/diary.yaml

        """.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        try """
        format: waves.instrument/1
        id: diary
        version: 1.0.0
        title: Diary
        items:
          - id: dy01
            type: text
            text: What happened?
          - id: dy02
            type: text
            text: What did you learn?

        """.write(to: dir.appendingPathComponent("instruments/diary.yaml"), atomically: true, encoding: .utf8)
        try codebook.write(to: dir.appendingPathComponent("codebooks/mini.yaml"), atomically: true, encoding: .utf8)
        let inst = try InstrumentLoader.load(url: dir.appendingPathComponent("instruments/diary.yaml"), displayPath: "instruments/diary.yaml")
        let ref = InstrumentRef(id: inst.id, version: inst.version, sha256: inst.sha256)
        func rec(_ id: String, _ p: String, _ role: String, _ w: String, _ a: String, _ b: String?) -> ResponseRecord {
            var answers: [(id: String, value: Answer)] = [("dy01", .text(a))]
            answers.append(("dy02", b.map { .text($0) } ?? .missing))
            return ResponseRecord(id: id, study: "mini", participant: p, role: role, wave: w, instrument: ref, startedAt: nil,
                                  submittedAt: "2026-03-0\(id.count % 9 + 1)T10:00:00Z", mode: "terminal", answers: answers)
        }
        try ResponseStore(url: dir.appendingPathComponent("data/responses.jsonl")).append([
            rec("r1", "P1", "mentee", "w1", "My mentor listened to me.", "I ask for help late."),
            rec("r2", "P2", "peer-mentor", "w1", hostile, "   "),
            rec("r3", "P1", "mentee", "w2", "We met twice.", nil),
            rec("r4", "P2", "peer-mentor", "w2", "I felt like a doctor today.", "Looking back, I rushed."),
        ])
        return dir
    }
}
