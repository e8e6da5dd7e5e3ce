import Foundation
import Yams

/// The second-round keys of study.yaml that reach participants: `timezone`, `consent`,
/// and each wave's `opens`/`closes` (formats.md, "Waves with windows, consent and contacts").
extension StudyLoader {
    /// A wave's `opens` and `closes` nodes, read once the whole wave mapping is seen.
    struct WindowNodes {
        var opens: Node?
        var closes: Node?

        /// Both dates, checked: real dates written `YYYY-MM-DD`, and `closes` not before `opens`.
        func read(_ r: inout YAMLReader, wave: String) -> (CalendarDate?, CalendarDate?) {
            func date(_ n: Node?, _ key: String) -> CalendarDate? {
                guard let n else { return nil }
                guard let text = r.string(n, "'\(key)' of wave '\(wave)'") else { return nil }
                let t = text.trimmingCharacters(in: .whitespaces)
                guard let d = CalendarDate(t) else {
                    r.error(n, "'\(key)' of wave '\(wave)' must be a date written YYYY-MM-DD (for example 2026-03-02), not '\(t)'")
                    return nil
                }
                return d
            }
            let o = date(opens, "opens"), c = date(closes, "closes")
            if let o, let c, c < o {
                r.error(closes, "wave '\(wave)' closes on \(c) before it opens on \(o) (both dates are included in the window)")
            }
            return (o, c)
        }
    }

    /// `timezone:`: an IANA name such as `Asia/Singapore` (default `UTC`).
    ///
    /// Accepted when Foundation knows the zone under exactly that name, so offsets such as
    /// `GMT+3` (whose sign conventions differ between systems) and misspellings are refused.
    static func readTimezone(_ node: Node?, _ r: inout YAMLReader) -> String {
        guard let node, let name = r.string(node, "timezone") else { return "UTC" }
        let t = name.trimmingCharacters(in: .whitespaces)
        if isKnownTimezone(t) { return t }
        r.error(node, "unknown time zone '\(t)' (use an IANA name such as Europe/London, Asia/Singapore or UTC)")
        return "UTC"
    }

    /// Whether `name` is a time zone name this system knows exactly as written.
    public static func isKnownTimezone(_ name: String) -> Bool {
        name == "UTC" || TimeZone(identifier: name)?.identifier == name
    }

    /// `consent:`: a Markdown file inside the study folder (through `StudyPath`) that exists and is UTF-8 text.
    static func readConsent(_ node: Node?, folders: StudyFolders, _ r: inout YAMLReader) -> String? {
        guard let node, let path = r.string(node, "consent") else { return nil }
        let data: Data
        do { data = try StudyPath.read(path, kind: .consent, in: folders) } catch {
            r.error(node, error.reason == .missing
                ? "consent file '\(SafeText.line(path))' does not exist (consent: names a Markdown file in the study folder)"
                : error.description)
            return path
        }
        if String(data: data, encoding: .utf8) == nil { r.error(node, "consent file '\(SafeText.line(path))' is not UTF-8 text") }
        return path
    }
}
