import Foundation
import WavesCore

extension HTMLRenderer {
    func texts() -> String {
        var s = "<section id=\"texts\"><h2>4. Free-text answers</h2>"
        guard let waves = report.texts else {
            return s + "<p class=\"note\" data-k=\"texts-omitted\">Free-text answers are personal data and are not included. "
                + "Run <code>waves report --include-text</code> to include them.</p></section>"
        }
        if waves.isEmpty { return s + "<p class=\"note\">No free-text answers in the store.</p></section>" }
        s += "<p class=\"note\">Participants' own words, shown as plain text (the latest submission per participant and wave).</p>"
        for w in waves {
            s += "<h3 id=\"texts-\(SafeText.anchor(w.wave))\">\(SafeText.html(w.label)) (\(SafeText.html(w.wave)))</h3>"
            for p in w.prompts {
                s += "<h4>\(SafeText.html(p.prompt)) <span class=\"note\">(<code>\(SafeText.html(p.instrument)).\(SafeText.html(p.item))</code>, \(p.answers.count + p.omitted) answer(s))</span></h4>"
                s += "<ul class=\"answers\" data-wave=\"\(SafeText.html(w.wave))\" data-item=\"\(SafeText.html(p.item))\">"
                for a in p.answers {
                    s += "<li><span class=\"who\">\(SafeText.html(a.participant))\(a.role.map { " · " + SafeText.html($0) } ?? "")</span>\(SafeText.html(a.text))</li>"
                }
                s += "</ul>"
                if p.omitted > 0 { s += "<p class=\"note\">\(p.omitted) further answer(s) not listed (the first \(p.answers.count) are shown).</p>" }
            }
        }
        return s + "</section>"
    }

    func methods() -> String {
        var s = "<section id=\"methods\" class=\"methods\"><h2>5. Methods and references</h2>"
        for p in Methods.paragraphs(report) {
            s += "<p><strong>\(SafeText.html(p.heading)).</strong> \(SafeText.html(p.text))</p>"
        }
        s += "<h3>References</h3><ol class=\"refs\">"
        for r in Methods.references(report) { s += "<li>\(SafeText.html(r))</li>" }
        return s + "</ol></section>"
    }
}
