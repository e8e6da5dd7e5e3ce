import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore
import WavesReport

/// `waves feedback`: a participant's own page (their scores per wave beside the group's mean
/// and interval, their reliable change in plain words), and nobody else's data.
struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "feedback",
        abstract: "A participant's own results page: their scores beside the group's mean band, reliable change in plain words.")

    @OptionGroup var options: StudyOptions
    @Option(help: "The participant id.") var participant: String?
    @Flag(help: "One page per participant (needs --out DIR).") var all = false
    @Option(help: "Where to write: a file (one participant) or a folder (--all). Without it the page is printed as text.") var out: String?
    @Option(help: "html (default for files) or md.") var format: String?
    @Flag(help: "JSON output (one participant).") var json = false
    @OptionGroup var fileMode: OutputModeOption

    func validate() throws {
        if all == (participant != nil) { throw ValidationError("give either --participant P or --all") }
        if all && out == nil { throw ValidationError("--all writes one page per participant into a folder: give --out DIR") }
        if all && json { throw ValidationError("--json shows one participant; use --participant P") }
        if let f = format, f != "html", f != "md" { throw ValidationError("--format takes html or md") }
    }

    func run() throws {
        let bundle = try options.loadBundle()
        let files = StudyFiles(study: bundle.study)
        let data = try FeedbackAnalysis.loadAll(bundle: bundle)
        let md = format == "md"
        if all, let out {
            let folder = URL(fileURLWithPath: out, isDirectory: true).standardizedFileURL
            let people = FeedbackAnalysis.participants(in: data)
            var used = Set<String>()
            var cache = FeedbackAnalysis.ChangeCache()
            for p in people {
                let r = try FeedbackAnalysis.run(bundle: bundle, participant: p, data: data, cache: &cache)
                let name = Self.fileName(p, used: &used) + (md ? ".md" : ".html")
                let target = try OutputTarget(folder.appendingPathComponent(name), mode: fileMode.mode, protecting: files)
                try write(md ? FeedbackPage.markdown(r) : FeedbackPage.html(r), to: target)
            }
            Output.out("Wrote \(people.count) feedback page(s) into \(folder.path) (mode \(fileMode.mode)).")
            return
        }
        guard let participant else { return }
        let target = try out.map { try OutputTarget(URL(fileURLWithPath: $0).standardizedFileURL, mode: fileMode.mode, protecting: files) }
        let r = try FeedbackAnalysis.run(bundle: bundle, participant: participant, data: data)
        if json { try JSONOutput.print(r); return }
        guard let target else { Output.out(FeedbackPage.markdown(r), terminator: ""); return }
        try write(md ? FeedbackPage.markdown(r) : FeedbackPage.html(r), to: target)
        Output.out("Wrote \(target.url.path).")
    }

    func write(_ text: String, to target: OutputTarget) throws {
        do { try target.write(text, role: "the feedback page") } catch {
            throw CLIFailure("cannot write the feedback page to \(target.url.path): \((error as? FileIOError)?.reason ?? error.localizedDescription)")
        }
    }

    /// A file name from a participant id: letters, digits, '-' and '_' kept; when anything was
    /// replaced (or the name is taken), the first 8 hex digits of the id's SHA-256 are added,
    /// so two ids never share a page and no id can name a path outside the folder.
    static func fileName(_ id: String, used: inout Set<String>) -> String {
        var name = "feedback-" + SafeText.anchor(String(id.prefix(64)))
        if SafeText.anchor(id) != id || id.count > 64 || used.contains(name) {
            name += "-" + ContentHash.sha256Hex(Array(id.utf8)).prefix(8)
        }
        used.insert(name)
        return name
    }
}
