import Foundation
import WavesCore

/// Checks a stored record against the study: known wave, instrument, participant,
/// role, items and values. Returns plain-language problems (empty when fine) and warnings.
public enum RecordValidator {
    public static func check(_ r: ResponseRecord, bundle: StudyBundle) -> (errors: [String], warnings: [String]) {
        var errors: [String] = [], warnings: [String] = []
        let study = bundle.study
        if r.study != study.id { errors.append("record is for study '\(r.study)', not '\(study.id)'") }
        if study.wave(r.wave) == nil { errors.append("unknown wave '\(r.wave)'") }
        guard let inst = bundle.instrument(r.instrument.id) else {
            errors.append("unknown instrument '\(r.instrument.id)'")
            return (errors, warnings)
        }
        if r.instrument.sha256 != inst.sha256 {
            warnings.append("instrument '\(inst.id)' changed since this answer was given (version \(r.instrument.version) then, \(inst.version) now; file hash differs)")
        }
        if let roster = bundle.roster {
            if let role = roster.role(of: r.participant) {
                if let rr = r.role, rr != role { warnings.append("role '\(rr)' in the record differs from the roster's '\(role)' for \(r.participant)") }
            } else { errors.append("participant '\(r.participant)' is not in the roster") }
        } else if r.role == nil {
            errors.append("no role for '\(r.participant)' (the study has no roster)")
        }
        if let role = r.role, !study.roles.contains(role) { errors.append("unknown role '\(role)'") }
        if !["terminal", "plain", "import"].contains(r.mode) { warnings.append("unknown mode '\(r.mode)'") }
        if let v = r.via, !["terminal", "kiosk", "ssh", "import"].contains(v) { warnings.append("unknown via '\(v)'") }
        for a in r.answers {
            guard let item = inst.item(a.id) else { errors.append("answer to unknown item '\(a.id)'"); continue }
            switch (item.type, a.value) {
            case (_, .missing): break
            case (.text, .text): break
            case (.text, .number): errors.append("'\(a.id)' is a text item but holds a number")
            case (.note, _): errors.append("'\(a.id)' is a note and takes no answer")
            case (_, .text(let s)): errors.append("'\(a.id)' takes a number but holds text \"\(s.prefix(30))\"")
            case (.likert, .number(let v)), (.choice, .number(let v)):
                if let set = item.responseSet, set.option(for: v) == nil { errors.append("'\(a.id)' holds \(JSONWriter.number(v)), which is not in its response set") }
            case (.number, .number(let v)):
                if let lo = item.min, v < lo { errors.append("'\(a.id)' holds \(JSONWriter.number(v)), below its minimum \(JSONWriter.number(lo))") }
                if let hi = item.max, v > hi { errors.append("'\(a.id)' holds \(JSONWriter.number(v)), above its maximum \(JSONWriter.number(hi))") }
            }
        }
        for d in r.declined {
            guard let item = inst.item(d) else { errors.append("declined unknown item '\(d)'"); continue }
            if !item.allowsDecline { warnings.append("'\(d)' is marked declined but does not offer 'Prefer not to answer'") }
            if let a = r.answer(d), !a.isMissing { errors.append("'\(d)' is marked declined but holds an answer") }
        }
        return (errors, warnings)
    }
}
