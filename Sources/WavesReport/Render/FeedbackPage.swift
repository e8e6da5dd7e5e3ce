import Foundation
import WavesAnalysis
import WavesCore

/// One participant's feedback page (`waves feedback`): HTML with a chart per scale, or the
/// same text as Markdown / plain text for the terminal.
///
/// Everything comes from one `FeedbackReport`, which holds only that participant's scores
/// and the group's aggregates; every text from a study file passes through `SafeText`.
public enum FeedbackPage {
    /// The self-contained HTML page (inline CSS and SVG, no scripts, no external resources).
    public static func html(_ r: FeedbackReport) -> String {
        var body = "<header><p class=\"kicker\">Your results</p><h1>\(SafeText.html(r.studyTitle))</h1>"
        body += "<p class=\"sub\">Participant <code>\(SafeText.html(r.participant))</code></p></header>"
        body += "<p>\(SafeText.html(intro))</p>"
        for (i, s) in r.scales.enumerated() {
            body += "<section><h2>\(SafeText.html(s.label))</h2>"
            let cats = s.waves.map(\.label)
            let own = MeanSeries(name: "Your score", points: s.waves.map { w in w.score.map { MeanPoint(mean: $0, lower: nil, upper: nil, n: 1) } })
            let group = MeanSeries(name: "Group mean (95% CI)", points: s.waves.map { w in
                w.groupMean.map { MeanPoint(mean: $0, lower: w.groupCI?.first, upper: w.groupCI?.last, n: w.groupN) } })
            if s.waves.contains(where: { $0.score != nil }) {
                let svg = LineCharts.means(id: "feedback-\(i + 1)", title: s.label, desc: text(scale: s).joined(separator: " "),
                                           categories: cats, series: [own, group], yTitle: "score (\(NumberText.plain(s.minimum))–\(NumberText.plain(s.maximum)))")
                body += HTMLRenderer.figure(svg, caption: "Your score at each wave beside the group's mean and its 95% interval.")
            }
            var t = "<table><thead><tr><th>wave</th><th class=\"num\">your score</th><th class=\"num\">group mean</th><th class=\"num\">95% CI</th><th class=\"num\">n</th></tr></thead><tbody>"
            for w in s.waves {
                t += "<tr><td>\(SafeText.html(w.label))</td><td class=\"num\">\(NumberText.fixed(w.score))</td><td class=\"num\">\(NumberText.fixed(w.groupMean))</td>"
                    + "<td class=\"num\">\(NumberText.interval(w.groupCI?.first, w.groupCI?.last))</td><td class=\"num\">\(w.groupN)</td></tr>"
            }
            body += t + "</tbody></table>"
            body += "<p><strong>Change:</strong> \(SafeText.html(s.change.words))</p></section>"
        }
        body += "<section><h2>About these questionnaires</h2><p class=\"note\">\(SafeText.html(r.caution))</p>"
        body += "<p class=\"note\">\(SafeText.html(groupNote))</p></section>"
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<meta name=\"generator\" content=\"Waves\">\n<meta name=\"robots\" content=\"noindex\">\n<title>Your results — \(SafeText.html(r.studyTitle))</title>\n<style>\(HTMLRenderer.css)</style>\n</head>\n<body>\n<main>\n"
            + body + "\n</main>\n</body>\n</html>\n"
    }

    /// The same content as Markdown (also what the terminal shows).
    public static func markdown(_ r: FeedbackReport) -> String {
        var out = ["# Your results: \(SafeText.markdown(r.studyTitle))", "", "Participant \(SafeText.markdownCode(r.participant))", "", intro, ""]
        for s in r.scales {
            out.append("## \(SafeText.markdown(s.label))")
            out.append("")
            out.append("| wave | your score | group mean | 95% CI | n |")
            out.append("|---|---:|---:|---:|---:|")
            for w in s.waves {
                out.append("| \(SafeText.markdown(w.label)) | \(NumberText.fixed(w.score)) | \(NumberText.fixed(w.groupMean)) | \(NumberText.interval(w.groupCI?.first, w.groupCI?.last)) | \(w.groupN) |")
            }
            out.append("")
            out.append("Change: \(SafeText.markdown(s.change.words))")
            out.append("")
        }
        out.append("## About these questionnaires")
        out.append("")
        out.append(r.caution)
        out.append("")
        out.append(groupNote)
        return out.joined(separator: "\n") + "\n"
    }

    /// Sentences describing one scale's scores (the chart's accessible description).
    static func text(scale s: FeedbackReport.ScaleFeedback) -> [String] {
        s.waves.map { w in
            "\(w.label): your score \(NumberText.fixed(w.score)), group mean \(NumberText.fixed(w.groupMean))."
        }
    }

    static let intro = "This page shows your own scores on each questionnaire at each wave of the programme, beside the average of everyone "
        + "who answered at that wave. Scores range over the questionnaire's answer scale; higher means more of what the questionnaire describes."
    static var groupNote: String {
        "The group's average is shown only when at least \(FeedbackAnalysis.minimumGroup) people answered at that wave, so that nobody's own answers can be worked out from it. "
            + "This page contains no other participant's answers."
    }
}
