import ArgumentParser
import Foundation
import Glibc
import WavesCollect
import WavesCore

/// Options shared by `waves invite` and `waves remind`.
struct InvitationOptions: ParsableArguments {
    @Option(help: "The wave (as in study.yaml).")
    var wave: String

    @Option(help: "Only these participants (comma-separated ids); a named participant who holds a code gets a new one.")
    var participants: String?

    @Option(help: "The mail-merge CSV to create (mode 0600; '-' for stdout). Default: invitations-WAVE.csv or reminders-WAVE.csv in the current folder.")
    var out: String?

    @Option(help: "Also write one RFC 5322 message per participant with an email address into this folder (mode 0600).")
    var eml: String?

    @Flag(help: "Hand each message to `sendmail -t -i`.")
    var send = false

    @Option(help: "The message template (default: the study's templates/invitation.txt or templates/reminder.txt, else the shipped one).")
    var template: String?

    @Option(help: "The From: address of the messages (default: the template's From:, else you at this machine).")
    var from: String?

    @Option(help: "The instructions column and {{instructions}}: how participants reach the survey.")
    var instructions: String?

    @Flag(help: "Issue new codes (revoking the old ones) to participants who already hold one.")
    var reissue = false
}

/// One run of `invite` or `remind`: plan, issue codes, write the CSV and the messages, send.
enum InvitationRun {
    static func run(_ kind: InvitationPlan.Kind, options o: InvitationOptions, study: StudyOptions) throws {
        signal(SIGPIPE, SIG_IGN)
        let bundle = try study.loadBundle()
        let now = Date()
        let state = try CollectionState.load(bundle)
        let named = o.participants.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        let plan = try InvitationPlanner.plan(kind, state: state, wave: o.wave, participants: named, reissue: o.reissue, now: now)
        let verb = kind == .invite ? "invite" : "remind"
        for s in plan.skipped { Output.err("note: not \(kind == .invite ? "invited" : "reminded"): \(SafeText.line(s.participant)) \(SafeText.line(s.reason))") }
        guard !plan.items.isEmpty else {
            Output.out("Nobody to \(verb) for \(SafeText.line(plan.wave.id)); nothing was written.")
            return
        }
        // Everything that can fail is checked before a code is issued.
        let outPath = o.out ?? "\(kind == .invite ? "invitations" : "reminders")-\(plan.wave.id).csv"
        let outURL = outPath == "-" ? nil : URL(fileURLWithPath: outPath)
        if let u = outURL, FileManager.default.fileExists(atPath: u.path) {
            throw CLIFailure("\(outPath) already exists; choose another file with --out, or move it away first (nothing was issued)")
        }
        // Neither file may land on a study file (store, data/, roster, consent text...).
        let studyFiles = StudyFiles(study: bundle.study)
        let outTarget = try outURL.map { try OutputTarget($0.standardizedFileURL, option: "--out", protecting: studyFiles) }
        let emlDir = o.eml.map { URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL }
        if let d = emlDir { try studyFiles.check(d, option: "--eml") }
        var template: MailTemplate?
        if o.eml != nil || o.send { template = try loadTemplate(kind, o, bundle.study) }
        var sendmail: Sendmail?
        if o.send {
            guard let s = Sendmail.find() else { throw CLIFailure("--send needs a `sendmail` program (none on PATH, /usr/sbin or /usr/lib); nothing was issued") }
            sendmail = s
        }
        let merge = MailMerge(plan: plan, studyTitle: bundle.study.title, instructions: o.instructions)
        try InvitationPlanner.issue(plan, log: InvitationLog(study: bundle.study), now: now)
        let fresh = plan.items.filter { $0.code != nil }.count

        if let target = outTarget {
            do { try target.write(merge.csv, role: "the mail-merge CSV") } catch {
                throw CLIFailure("\(error.localizedDescription). \(fresh) new code(s) were issued but could not be written; run the command again with --reissue to issue new ones")
            }
        } else {
            Output.record(merge.csv)   // CSVWriter made it safe; its CRLF line ends are kept
        }
        var messages: [(participant: String, message: MailMessage)] = []
        if let t = template {
            let sender = o.from ?? defaultSender()
            let domain = (sender.split(separator: "@").last.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "> ")) }) ?? ProcessInfo.processInfo.hostName
            messages = merge.messages(template: t, from: sender, domain: domain, now: now)
            for item in plan.items where item.email == nil {
                Output.err("note: \(SafeText.line(item.participant)) has no email address in the roster; their code is only in the CSV")
            }
        }
        if let d = emlDir {
            for m in messages {
                let target = try OutputTarget(d.appendingPathComponent(PrivateFile.messageName(m.participant)), option: "--eml", protecting: studyFiles)
                try target.write(m.message.rendered(), role: "the message")
            }
        }
        var sent = 0
        if let s = sendmail {
            for m in messages {
                if let why = s.send(m.message) { Output.err("warning: the message to \(SafeText.line(m.participant)) was not sent: \(SafeText.line(why))") } else { sent += 1 }
            }
        }
        var summary = kind == .invite
            ? "Invited \(plan.items.count) participant(s) to \(SafeText.line(plan.wave.id)) (window: \(plan.window.readable)): \(fresh) new code(s)"
            : "Reminded \(plan.items.count) participant(s) about \(SafeText.line(plan.wave.id)) (window: \(plan.window.readable)): \(fresh) new code(s)"
        summary += outURL.map { " in \($0.path) (mode 0600)" } ?? " on stdout"
        if let dir = o.eml { summary += "; \(messages.count) message(s) in \(dir)" }
        if o.send { summary += "; \(sent) of \(messages.count) message(s) handed to sendmail" }
        // With the CSV on stdout, the summary goes to stderr so the CSV stays clean.
        let say: (String) -> Void = outURL == nil ? { Output.err($0) } : { Output.out($0) }
        say(summary + ".")
        if kind == .remind && fresh == 0 {
            say("The reminders carry no code (codes are stored only as hashes); they ask participants to use the code from their invitation. Use --reissue to send new codes instead.")
        }
    }

    static func defaultSender() -> String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }

    static func loadTemplate(_ kind: InvitationPlan.Kind, _ o: InvitationOptions, _ study: Study) throws -> MailTemplate {
        let name = kind == .invite ? "invitation.txt" : "reminder.txt"
        if let t = o.template { return try MailTemplate.load(url: URL(fileURLWithPath: t)) }
        let local = study.directory.appendingPathComponent("templates/\(name)")
        if FileManager.default.fileExists(atPath: local.path) { return try MailTemplate.load(url: local) }
        guard let shipped = ShippedTemplates.directory()?.appendingPathComponent(name) else {
            throw CLIFailure("no message template: give one with --template, or put \(name) in the study's templates/ folder")
        }
        return try MailTemplate.load(url: shipped)
    }
}

/// The templates shipped with Waves (`templates/` beside `instruments/`).
enum ShippedTemplates {
    static func directory() -> URL? {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["WAVES_TEMPLATES"] { candidates.append(URL(fileURLWithPath: env)) }
        if let inst = ShippedInstruments.directory() { candidates.append(inst.deletingLastPathComponent().appendingPathComponent("templates")) }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("templates"))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: "/usr/local/share/waves/templates"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("invitation.txt").path) }
    }
}
