import Foundation
import WavesCore

/// The demo study (datasets/pmi-demo) copied to a temporary folder, and a way to give its store
/// every awkward line a streaming reader must treat as the whole-store readers do: duplicates
/// (later, earlier and equal times, with new record ids and changed texts), waves and
/// instruments the study does not define, participants off the roster, rejected values (a few
/// and many to one item), text in a numeric item, repeated answer ids, a null role, declined
/// items, durations, an instrument version that scores differently (kept in the archive) and
/// one that is not kept, lines of an import that did not finish, an unreadable line, and a torn
/// last line; and coders' decisions on answers that count, on superseded and blank answers, and
/// on answers that do not exist.
enum AwkwardStore {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/pmi-demo")

    static func copyDemo(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-\(name)-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: demo, to: dir)
        return dir
    }

    /// Rewrites the store and coders' files of the study copy in `dir`.
    static func make(in dir: URL) throws {
        let store = dir.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").map(String.init)
        // A kept version of `identity` without the reversed item: it scores pi03 differently.
        let identity = try String(contentsOf: dir.appendingPathComponent("instruments/identity.yaml"), encoding: .utf8)
        let old = identity.replacingOccurrences(of: "version: 1.0.0", with: "version: 0.9.0")
            .replacingOccurrences(of: "    response: agree5\n    reverse: true\n", with: "    response: agree5\n")
        precondition(old != identity)
        let oldSHA = ContentHash.sha256Hex(Array(old.utf8))
        try Data(old.utf8).write(to: dir.appendingPathComponent("data/instruments/\(oldSHA).yaml"))
        let identityRef = #""id":"identity","version":"1.0.0","sha256":"732aa6914e7c1ada8c58b392fbb14703020ae6300afcd2dce5e016e2db2447b7""#

        var out: [String] = []
        var extra: [String] = []
        var supersededUnits: [String] = [], blankUnits: [String] = [], countedUnits: [String] = []
        for (k, l) in lines.enumerated() {
            var l = l
            // Durations on most lines (speeding), an old kept version on some identity lines, one not kept on others.
            if k % 7 != 3 { l = l.replacingOccurrences(of: #","mode":"#, with: #","duration_ms":\#((k * 7919) % 900_000 + 20_000),"mode":"#) }
            if k % 9 == 0 { l = l.replacingOccurrences(of: identityRef, with: #""id":"identity","version":"0.9.0","sha256":"\#(oldSHA)""#) }
            if k % 23 == 5 { l = l.replacingOccurrences(of: identityRef, with: #""id":"identity","version":"0.8.0","sha256":"\#(String(repeating: "ab", count: 32))""#) }
            // Many answers out of range to one item, a few to another.
            if k % 3 == 0 { l = l.replacingOccurrences(of: #""pi02":"#, with: #""pi02":7,"pi02z":"#) }
            if k == 40 || k == 90 { l = l.replacingOccurrences(of: #""rf02":"#, with: #""rf02":0,"rf02z":"#) }
            out.append(l)
            guard let id = l.range(of: #""id":""#).map({ String(l[$0.upperBound...].prefix(36)) }) else { continue }
            if l.contains(#""instrument":{"id":"diary""#) {
                // Diary: a later submission under a new id (the first one's texts superseded), a blank
                // one, or an earlier-dated one read later (its own texts do not count).
                switch k % 4 {
                case 0:
                    let newID = UUID().uuidString.lowercased()
                    extra.append(l.replacingOccurrences(of: id, with: newID).replacingOccurrences(of: #""submitted_at":"202"#, with: #""submitted_at":"203"#))
                    supersededUnits.append(id + "/dy01"); countedUnits.append(newID + "/dy02")
                case 1:
                    let newID = UUID().uuidString.lowercased()
                    extra.append(l.replacingOccurrences(of: id, with: newID).replacingOccurrences(of: #""submitted_at":"202"#, with: #""submitted_at":"203"#)
                        .replacingOccurrences(of: #""dy01":""#, with: #""dy01":"  ","dy01x":""#))
                    blankUnits.append(newID + "/dy01"); countedUnits.append(newID + "/dy02")
                case 2:
                    let newID = UUID().uuidString.lowercased()
                    extra.append(l.replacingOccurrences(of: id, with: newID).replacingOccurrences(of: #""submitted_at":"202"#, with: #""submitted_at":"201"#))
                    supersededUnits.append(newID + "/dy01"); countedUnits.append(id + "/dy02")
                default:
                    countedUnits.append(id + "/dy01")
                }
                continue
            }
            guard k % 4 == 0 else { continue }
            let stamp = #""submitted_at":"2026-"#
            switch (k / 4) % 14 {
            case 0: extra.append(l.replacingOccurrences(of: stamp, with: #""submitted_at":"2027-"#))             // a later duplicate
            case 1: extra.append(l.replacingOccurrences(of: stamp, with: #""submitted_at":"2025-"#))             // an earlier duplicate
            case 2: extra.append(l.replacingOccurrences(of: #""pi05":"#, with: #""pi05":1,"pi05y":"#)
                                  .replacingOccurrences(of: #""rf01":"#, with: #""rf01":1,"rf01y":"#))               // an equal-time duplicate, other answers
            case 3: extra.append(l.replacingOccurrences(of: #""wave":"w"#, with: #""wave":"x"#))                  // an unknown wave
            case 4: extra.append(l.replacingOccurrences(of: #""participant":"P"#, with: #""participant":"Q"#))    // off the roster
            case 5: extra.append(l.replacingOccurrences(of: #""pi01":"#, with: #""pi01":99,"pi01x":"#))           // out of range
            case 6: extra.append(l.replacingOccurrences(of: #""pi02":"#, with: #""pi02":"two","pi02x":"#))        // text in a number item
            case 7: extra.append(l.replacingOccurrences(of: #""pi03":"#, with: #""pi03":1,"pi03":"#))             // a repeated id
            case 8: extra.append(l.replacingOccurrences(of: #""role":"mentee""#, with: #""role":null"#)
                                  .replacingOccurrences(of: #""role":"peer-mentor""#, with: #""role":null"#))
            case 9: extra.append(l.replacingOccurrences(of: #""instrument":{"id":""#, with: #""instrument":{"id":"zz"#))
            case 10: extra.append(l.replacingOccurrences(of: #""declined":[]"#, with: #""declined":["pi04"]"#))
            case 11: extra.append(l.replacingOccurrences(of: #","mode":"#, with: #","batch":"import-never-finished","mode":"#)
                                   .replacingOccurrences(of: stamp, with: #""submitted_at":"2028-"#))         // an unfinished import
            case 12: extra.append(String(l.prefix(80)))                                                       // an unreadable line
            default: extra.append(l.replacingOccurrences(of: #""participant":"P0"#, with: #""participant":"R0"#)
                                   .replacingOccurrences(of: #""wave":"w2""#, with: #""wave":"w1""#))
            }
        }
        precondition(extra.count > 40 && supersededUnits.count > 5 && blankUnits.count > 5)
        let text = (out + extra).joined(separator: "\n") + "\n" + String(lines[3].prefix(120))
        try Data(text.utf8).write(to: store)

        // Decisions on answers that count, superseded, blank and unknown, in a new coder's file.
        let sha = "e5f5dd89b349ced702f4d72a071eb9a59850d3df013425940f5fb1f6fd268e5c"
        let units = countedUnits + supersededUnits + blankUnits + ["no-such-record/dy01", "not-a-unit"]
        let coding = units.enumerated().map { k, u in
            #"{"format":"waves.coding/1","unit":"\#(u)","codes":["reflection"],"memo":"","at":"2027-03-01T10:\#(String(format: "%02d", k % 60)):00Z","coder":"coder-c","codebook":"ecosystem","codebook_version":"1.0.0","codebook_sha256":"\#(sha)"}"#
        }.joined(separator: "\n") + "\n"
        try Data(coding.utf8).write(to: dir.appendingPathComponent("data/coding/coder-c.jsonl"))
    }
}
