import Foundation
import WavesCore

/// The report as one self-contained HTML page: inline CSS and SVG, no scripts, no external resources.
struct HTMLRenderer {
    let report: StudyReport

    func render() -> String {
        let o = report.overview
        var body = ""
        body += "<header><p class=\"kicker\">Waves study report</p><h1>\(SafeText.html(o.title))</h1>"
        body += "<p class=\"sub\">Study <code>\(SafeText.html(o.id))</code> · \(o.participants) participant(s) · \(o.waves.count) wave(s) · \(o.instruments.count) instrument(s)"
        if let g = report.options.generatedAt { body += " · generated \(SafeText.html(g))" }
        body += "</p></header>"
        body += toc()
        // The sections are pure functions of the report: drawn at once on every core (the
        // reviewers' part, with its diagnostic plots, is the longest, so it goes first) and
        // joined in page order, so the page does not depend on which finishes first.
        let order: [Piece] = [.reviewers] + report.scales.indices.map { .scale($0) } + [.findings, .overview, .completion, .texts, .methods]
        let drawn = Parallel.map(order) { piece -> String in
            switch piece {
            case .findings: return findings()
            case .overview: return overview()
            case .completion: return completion()
            case .scale(let i): return scale(report.scales[i], number: "3.\(i + 1)")
            case .reviewers: return reviewers()
            case .texts: return texts()
            case .methods: return methods()
            }
        }
        var piece: [Piece: String] = [:]
        for (p, text) in zip(order, drawn) { piece[p] = text }
        body += piece[.findings]! + piece[.overview]! + piece[.completion]!
        body += "<section id=\"scales\"><h2>3. Scales</h2>"
        if report.scales.isEmpty { body += "<p class=\"note\">No scale sections: no instrument of this study defines a scale.</p>" }
        for i in report.scales.indices { body += piece[.scale(i)]! }
        body += "</section>"
        body += piece[.reviewers]! + piece[.texts]! + piece[.methods]!
        body += "<footer><p>Made by Waves from the study folder's store. Every number on this page is what the analysis commands "
            + "(<code>waves status</code>, <code>reliability</code>, <code>retest</code>, <code>change</code>, <code>lmm</code>, <code>rci</code>) print for the same data.</p></footer>"
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<meta name=\"generator\" content=\"Waves\">\n<title>\(SafeText.html(o.title)) — Waves report</title>\n<style>\(Self.css)</style>\n</head>\n<body>\n<main>\n"
            + body + "\n</main>\n</body>\n</html>\n"
    }

    /// The page's parts, drawn independently by `render`.
    private enum Piece: Hashable, Sendable { case findings, overview, completion, scale(Int), reviewers, texts, methods }

    func toc() -> String {
        var s = "<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ol>"
        s += "<li><a href=\"#findings\">Main findings</a></li><li><a href=\"#overview\">1. Study overview</a></li><li><a href=\"#completion\">2. Completion</a></li>"
        s += "<li><a href=\"#scales\">3. Scales</a><ol>"
        for (i, sc) in report.scales.enumerated() {
            s += "<li><a href=\"#\(sc.anchor)\">3.\(i + 1) \(SafeText.html(sc.label))</a></li>"
        }
        s += "</ol></li>" + reviewersTOC() + "<li><a href=\"#texts\">4. Free-text answers</a></li><li><a href=\"#methods\">5. Methods and references</a></li></ol></nav>"
        return s
    }

    func findings() -> String {
        var s = "<section id=\"findings\"><h2>Main findings</h2><ul class=\"findings\">"
        for f in report.findings { s += "<li>\(SafeText.html(f))</li>" }
        s += "</ul>"
        var t = HTMLTable("findings", caption: "Per scale: change across waves for participants with a score at every wave (repeated-measures ANOVA, corrected), alpha over the waves, reliable change from first to last wave",
                          header: ["scale", "n", "mean first → last", "test of wave", "p", "p adj. (\(Self.adjustmentName(report.options.adjustment)))", "η²G", "alpha", "reliable change ↑/↓/none"])
        let adjusted = Self.adjustedWaveP(report)
        for (i, sc) in report.scales.enumerated() {
            let c = sc.change.value
            let w = c?.corrected.first { $0.effect == "wave" }
            let m = c?.pooledMeans
            let alphas = (sc.reliability.value ?? []).compactMap(\.alpha)
            let alphaText = alphas.isEmpty ? NumberText.missing : (alphas.count == 1 ? NumberText.fixed(alphas[0]) : "\(NumberText.fixed(alphas.min()))–\(NumberText.fixed(alphas.max()))")
            let rc = sc.rci.value.map { "\($0.summary.increase) / \($0.summary.decrease) / \($0.summary.noChange)" } ?? NumberText.missing
            let test = w.map { e in "F(" + (e.isCorrected ? "\(NumberText.fixed(e.df1)), \(NumberText.fixed(e.df2))" : "\(NumberText.fixed(e.df1, 0)), \(NumberText.fixed(e.df2, 0))") + ") = \(NumberText.fixed(e.F))" } ?? NumberText.missing
            let significant = (w?.p ?? 1) < 0.05
            t.add([.markup("<a href=\"#\(sc.anchor)\">\(SafeText.html(sc.label))</a>"), .num(c.map { String($0.n) } ?? NumberText.missing, key: "n"),
                   .num(m.map { "\(NumberText.fixed($0.first ?? nil)) → \(NumberText.fixed($0.last ?? nil))" } ?? NumberText.missing, key: "means"),
                   .num(test, key: "test"), .num(NumberText.p(w?.p) + (w?.correction.map { " \($0.rawValue)" } ?? ""), key: "p", cls: significant ? "strong" : nil),
                   .num(NumberText.p(adjusted[i]), key: "p_adjusted"),
                   .num(NumberText.fixed(w?.ges, 3), key: "ges"), .num(alphaText, key: "alpha"), .num(rc, key: "rci")], key: sc.qualifiedName)
        }
        if !report.scales.isEmpty {
            s += t.markup
            s += "<p class=\"note\">p adj.: the p of the change across waves adjusted across the \(adjusted.compactMap { $0 }.count) scales with a test (\(Self.adjustmentName(report.options.adjustment)); waves report --adjust BH for Benjamini-Hochberg).</p>"
        }
        for n in report.notes { s += "<p class=\"note\">\(SafeText.html(n))</p>" }
        return s + "</section>"
    }

    /// A figure with its caption.
    static func figure(_ svg: String, caption: String) -> String {
        "<figure>\(svg)<figcaption>\(SafeText.html(caption))</figcaption></figure>"
    }

    /// A short "not shown because" note.
    static func unavailable(_ what: String, _ why: String) -> String {
        "<p class=\"note unavailable\"><strong>\(SafeText.html(what)) not shown:</strong> \(SafeText.html(why))</p>"
    }

    static func date(_ iso: String?) -> String {
        guard let iso else { return NumberText.missing }
        return String(iso.prefix(10))
    }

    static let css = """
    :root{--ink:#1b1b1b;--muted:#555;--rule:#d9d9d9;--accent:#0072B2;--warn:#D55E00;--bg-soft:#f6f7f9}
    *{box-sizing:border-box}
    html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;color:var(--ink);line-height:1.45;font-size:15px}
    body{margin:0;background:#fff}
    main{max-width:1060px;margin:0 auto;padding:24px 28px 48px}
    header{border-bottom:3px solid var(--accent);margin-bottom:18px;padding-bottom:10px}
    .kicker{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:var(--accent);font-weight:600}
    h1{font-size:28px;margin:4px 0 6px;line-height:1.2}
    h2{font-size:22px;margin:34px 0 10px;border-bottom:1px solid var(--rule);padding-bottom:4px}
    h3{font-size:19px;margin:30px 0 8px;color:#0b3d63}
    h4{font-size:15.5px;margin:20px 0 6px}
    .sub{margin:0;color:var(--muted)}
    code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono",monospace;font-size:.92em;background:var(--bg-soft);padding:0 3px;border-radius:3px}
    nav.toc{background:var(--bg-soft);border:1px solid var(--rule);border-radius:6px;padding:8px 18px;margin:12px 0 18px}
    nav.toc h2{font-size:15px;border:0;margin:6px 0}
    nav.toc ol{margin:4px 0;padding-left:4px;list-style:none}
    nav.toc ol ol{columns:2;list-style:none;padding-left:10px}
    a{color:var(--accent)}
    ul.findings li{margin:3px 0}
    .table-wrap{overflow-x:auto;margin:8px 0 12px}
    table{border-collapse:collapse;font-size:13.5px;min-width:40%}
    caption{text-align:left;font-weight:600;padding:4px 0;color:#333}
    th,td{padding:3px 9px;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
    th{background:var(--bg-soft);font-weight:600;border-bottom:2px solid #bbb}
    td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    td.flag{color:var(--warn);font-weight:700}
    td.strong{font-weight:600}
    td.nowrap{white-space:nowrap}
    tr.total td{font-weight:600}
    figure{margin:10px 0 16px;break-inside:avoid;page-break-inside:avoid}
    figcaption{font-size:13px;color:var(--muted);margin-top:2px;max-width:760px}
    svg.chart{max-width:100%;height:auto;display:block;font-family:inherit}
    .note{color:var(--muted);font-size:13.5px}
    .unavailable{border-left:3px solid var(--rule);padding-left:8px}
    .warning{border-left:4px solid var(--warn);background:#fff4ec;padding:6px 10px;margin:8px 0}
    .summary{border-left:4px solid var(--accent);background:#eef6fb;padding:6px 10px;margin:8px 0}
    .grid{display:flex;flex-wrap:wrap;gap:10px 28px;align-items:flex-start}
    .answers{list-style:none;padding-left:0;columns:2 420px;column-gap:28px;margin:4px 0 10px}
    .answers li{border-left:3px solid var(--rule);padding:1px 10px;margin:0 0 5px;white-space:pre-wrap;overflow-wrap:anywhere;break-inside:avoid;font-size:14px}
    .who{font-size:11.5px;color:var(--muted);white-space:nowrap;margin-right:6px}
    .methods p{max-width:820px}
    ol.refs li{margin:3px 0;font-size:13.5px}
    footer{margin-top:40px;border-top:1px solid var(--rule);color:var(--muted);font-size:12.5px}
    @media print{
      html{font-size:11pt}
      main{max-width:none;padding:0}
      nav.toc{display:none}
      a{color:inherit;text-decoration:none}
      section.scale{break-before:page;page-break-before:always}
      h2,h3,h4{break-after:avoid;page-break-after:avoid}
      table,figure,.answers li{break-inside:avoid;page-break-inside:avoid}
      .table-wrap{overflow:visible}
    }
    """
}
