import Foundation
import WavesCore
import WavesSurvey
import XCTest
@testable import WavesCollect

/// A study folder on disk: one short instrument (two agree items) at w1 and w2, a roster
/// of P001 (mentee, with email) and P002 (peer mentor), optional consent text and window.
struct TestStudy {
    let dir: URL
    var bundle: StudyBundle { try! StudyLoader.load(directory: dir) }

    init(consent: String? = nil, timezone: String? = nil, w1Window: (String, String)? = nil, rosterExtra: String = "") {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-collect-\(UUID().uuidString.prefix(8))")
        let fm = FileManager.default
        try! fm.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        let window = w1Window.map { ", opens: \($0.0), closes: \($0.1)" } ?? ""
        var study = """
        format: waves.study/1
        id: collect-test
        title: Collect test study
        roles: [mentee, peer-mentor]
        waves:
          - {id: w1, label: Baseline, time: 0\(window)}
          - {id: w2, label: Later, time: 6}
        instruments:
          - path: instruments/short.yaml
        roster: roster.csv

        """
        if let tz = timezone { study += "timezone: \(tz)\n" }
        if consent != nil { study += "consent: consent.md\n" }
        let inst = """
        format: waves.instrument/1
        id: short
        version: 1.0.0
        title: Short scale
        response_sets:
          agree5:
            options:
              - {value: 1, label: Strongly disagree}
              - {value: 2, label: Disagree}
              - {value: 3, label: Neither agree nor disagree}
              - {value: 4, label: Agree}
              - {value: 5, label: Strongly agree}
        items:
          - id: s1
            text: First statement.
            response: agree5
          - id: s2
            text: Second statement.
            response: agree5
        """
        try! study.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        try! inst.write(to: dir.appendingPathComponent("instruments/short.yaml"), atomically: true, encoding: .utf8)
        try! ("participant,role,email,name\nP001,mentee,p1@example.org,Ana\nP002,peer-mentor,,\n" + rosterExtra)
            .write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        if let c = consent { try! c.write(to: dir.appendingPathComponent("consent.md"), atomically: true, encoding: .utf8) }
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }

    /// Issues codes to everyone invitable at `wave`; returns participant → code.
    @discardableResult
    func invite(_ wave: String = "w1", participants: [String]? = nil, reissue: Bool = false, at now: Date = Date()) throws -> [String: AccessCode] {
        let plan = try InvitationPlanner.plan(.invite, state: try CollectionState.load(bundle), wave: wave, participants: participants,
                                              reissue: reissue, now: now)
        try InvitationPlanner.issue(plan, log: InvitationLog(study: bundle.study), now: now)
        var out: [String: AccessCode] = [:]
        for i in plan.items { out[i.participant] = i.code }
        return out
    }

    func records() throws -> [ResponseRecord] {
        let url = bundle.study.storeURL
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try ResponseRecord(json: JSONParser.parse(String($0))) }
    }
}

/// A console for flow tests: a script of keys, lines and idle pauses, read without waiting.
///
/// `.idle` makes a read with a time limit time out (a read without limit skips it, as a
/// real person would eventually type); everything written is kept.
final class ScriptedTimedConsole: Console, TimedInput {
    enum Step { case key(Key), line(String), idle }
    var steps: [Step]
    var output = ""
    var size = TerminalSize(columns: 80, rows: 24)
    var discards = 0
    /// Output at each point the script was consumed (what the screen showed before a step).
    private var index = 0

    init(_ steps: [Step]) { self.steps = steps }

    var remaining: Int { steps.count - index }

    private func next(_ timeout: TimeInterval?) -> Step?? {
        while index < steps.count {
            let s = steps[index]
            index += 1
            if case .idle = s, timeout == nil { continue }
            return s
        }
        return .some(nil)
    }

    func readKey(timeout: TimeInterval?) -> TimedRead<Key> {
        guard let step = next(timeout), let s = step else { return .closed }
        switch s {
        case .key(let k): return .value(k)
        case .line(let l): return .value(l.first.map { .character($0) } ?? .enter)
        case .idle: return .timedOut
        }
    }

    func readLine(timeout: TimeInterval?) -> TimedRead<String> {
        guard let step = next(timeout), let s = step else { return .closed }
        switch s {
        case .line(let l): return .value(l)
        case .key(let k): if case .character(let c) = k { return .value(String(c)) }; return .value("")
        case .idle: return .timedOut
        }
    }

    func discardPending() { discards += 1 }
    func readKey() -> Key? { if case .value(let k) = readKey(timeout: nil) { return k }; return nil }
    func readLine() -> String? { if case .value(let l) = readLine(timeout: nil) { return l }; return nil }
    func write(_ text: String) { output += text }

    /// Keys typing `text` then Enter.
    static func typed(_ text: String) -> [Step] { text.map { .key(.character($0)) } + [.key(.enter)] }
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var t: Date
    init(_ t: Date) { self.t = t }
    var now: Date { lock.lock(); defer { lock.unlock() }; return t }
    func advance(_ s: TimeInterval) { lock.lock(); t = t.addingTimeInterval(s); lock.unlock() }
    var function: @Sendable () -> Date { { [self] in self.now } }
}

/// An instant from an ISO 8601 UTC string.
func instant(_ s: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: s)!
}

/// Text without escape sequences and carriage returns.
func plainText(_ s: String) -> String { ScriptedConsole.stripEscapes(s) }
