import Foundation
import WavesCore
@testable import WavesSurvey

/// Instruments built by hand, and small study folders on disk.
enum Fixtures {
    static let agreeLabels = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]

    static func agree5(decline: Bool = true) -> ResponseSet {
        ResponseSet(id: "agree5", options: agreeLabels.enumerated().map { ResponseOption(value: Double($0 + 1), label: $1) },
                    allowDecline: decline)
    }

    static func likert(_ id: String, _ text: String? = nil, required: Bool = false, decline: Bool = true,
                       showIf: String? = nil) -> Item {
        Item(id: id, type: .likert, text: text ?? "Statement \(id).", responseSet: agree5(decline: decline),
             required: required, showIf: showIf.map { try! ConditionParser.parse($0) }, showIfSource: showIf)
    }

    static func number(_ id: String, min: Double?, max: Double?, required: Bool = false) -> Item {
        Item(id: id, type: .number, text: "Number \(id)?", required: required, min: min, max: max)
    }

    static func text(_ id: String, required: Bool = false, showIf: String? = nil) -> Item {
        Item(id: id, type: .text, text: "Tell us about \(id).", required: required,
             showIf: showIf.map { try! ConditionParser.parse($0) }, showIfSource: showIf)
    }

    static func note(_ id: String) -> Item { Item(id: id, type: .note, text: "A note (\(id)).") }

    static func instrument(_ items: [Item], id: String = "test", title: String = "Test scale", intro: String? = "Intro text.") -> Instrument {
        Instrument(id: id, version: "1.0.0", title: title, intro: intro, responseSets: [agree5()], items: items,
                   scales: [], sha256: String(repeating: "a", count: 64), path: "instruments/\(id).yaml")
    }

    /// q1 .. q3 likert (q3 without decline); q4 shown only to peer mentors; q5 shown only when q1 >= 4; q6 required.
    static var branching: Instrument {
        instrument([
            likert("q1"), likert("q2"), likert("q3", decline: false),
            likert("q4", showIf: "role == 'peer-mentor'"),
            likert("q5", showIf: "q1 >= 4"),
            likert("q6", required: true),
        ])
    }

    /// A temporary directory, removed by the caller.
    static func temporaryDirectory() -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("waves-survey-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// A study folder with two instruments (`alpha`: three agree items, a2 required, a3 shown
    /// only at w2; `beta`, at w2 only: a number and a text item) and a roster (P1 mentee,
    /// P2 peer-mentor) unless `roster` is false.
    static func studyFolder(roster: Bool = true) -> URL {
        let dir = temporaryDirectory()
        let fm = FileManager.default
        try! fm.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        let study = """
        format: waves.study/1
        id: test-study
        title: Test study
        roles: [mentee, peer-mentor]
        waves:
          - {id: w1, label: Baseline, time: 0}
          - {id: w2, label: Later, time: 6}
        instruments:
          - path: instruments/alpha.yaml
          - path: instruments/beta.yaml
            waves: [w2]
        \(roster ? "roster: roster.csv\n" : "")
        """
        let alpha = """
        format: waves.instrument/1
        id: alpha
        version: 1.0.0
        title: Alpha
        intro: About alpha.
        response_sets:
          agree5:
            options:
              - {value: 1, label: Strongly disagree}
              - {value: 2, label: Disagree}
              - {value: 3, label: Neither agree nor disagree}
              - {value: 4, label: Agree}
              - {value: 5, label: Strongly agree}
            allow_decline: true
        items:
          - id: a1
            text: First alpha statement.
            response: agree5
          - id: a2
            text: Second alpha statement.
            response: agree5
            required: true
          - id: a3
            text: Third alpha statement.
            response: agree5
            show_if: wave == 'w2'
        """
        let beta = """
        format: waves.instrument/1
        id: beta
        version: 1.0.0
        title: Beta
        items:
          - id: age
            type: number
            text: Age in years
            min: 16
            max: 90
          - id: story
            type: text
            text: Tell a story.
        """
        try! study.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        try! alpha.write(to: dir.appendingPathComponent("instruments/alpha.yaml"), atomically: true, encoding: .utf8)
        try! beta.write(to: dir.appendingPathComponent("instruments/beta.yaml"), atomically: true, encoding: .utf8)
        if roster {
            try! "participant,role\nP1,mentee\nP2,peer-mentor\n".write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        }
        return dir
    }
}
