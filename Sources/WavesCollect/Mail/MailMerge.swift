import Foundation
import WavesCore

/// The texts of one invitation run: the mail-merge CSV and, per participant, the message.
public struct MailMerge: Sendable {
    public var plan: InvitationPlan
    public var studyTitle: String
    /// The `instructions` column and `{{instructions}}`: how to reach the survey.
    public var instructions: String

    public init(plan: InvitationPlan, studyTitle: String, instructions: String? = nil) {
        self.plan = plan
        self.studyTitle = studyTitle
        self.instructions = instructions.map(MailMessage.oneLine) ?? MailMerge.defaultInstructions(plan)
    }

    /// "Type your access code when the survey asks for it. …"
    public static func defaultInstructions(_ plan: InvitationPlan) -> String {
        var s = "Type your access code when the survey asks for it. It opens your own questionnaires for this wave only"
        if let c = plan.wave.closes {
            s += ", until you submit them or the wave closes at the end of \(c.readable) (\(zoneName(plan.window)) time)."
        } else {
            s += ", until you submit them."
        }
        if let o = plan.wave.opens, plan.state == .notYetOpen { s += " The survey opens on \(o.readable)." }
        return s
    }

    static func zoneName(_ w: WaveWindow) -> String { w.timeZone.identifier == "GMT" ? "UTC" : w.timeZone.identifier }

    /// The placeholder values for one participant (docs/collection.md lists them).
    public func values(_ item: PlannedInvitation) -> [String: String] {
        let wave = plan.wave
        let issued = item.earlierCodeIssuedAt.flatMap { CalendarDate(String($0.prefix(10)))?.readable } ?? ""
        let access: String
        if let code = item.code {
            access = "Your access code: \(code.formatted)"
        } else {
            access = "Please use the access code from your invitation\(issued.isEmpty ? "" : " of \(issued)"); it still works."
        }
        let window: String
        switch (wave.opens, wave.closes) {
        case let (o?, c?): window = "from \(o.readable) to \(c.readable)"
        case let (o?, nil): window = "from \(o.readable)"
        case let (nil, c?): window = "until \(c.readable)"
        case (nil, nil): window = "now"
        }
        return [
            "name": item.name ?? item.participant, "participant": item.participant, "email": item.email ?? "",
            "study": studyTitle, "wave": wave.label, "wave_id": wave.id,
            "opens": wave.opens?.readable ?? "", "closes": wave.closes?.readable ?? "", "window": window,
            "code": item.code?.formatted ?? "", "access": access, "instructions": instructions, "invited_on": issued,
        ].mapValues { MailMessage.oneLine($0) }
    }

    /// `participant,email,wave,code,opens,closes,instructions` through the one CSV writer
    /// (RFC 4180, CRLF, text neutralised); cells that a spreadsheet would run as a formula get
    /// OWASP's apostrophe, since this file is opened in a spreadsheet or a mail-merge tool.
    public var csv: String {
        var w = CSVWriter(header: ["participant", "email", "wave", "code", "opens", "closes", "instructions"], escapeFormulas: true)
        var out = w.headerRecord()
        for item in plan.items {
            out += w.record([item.participant, item.email ?? "", plan.wave.id, item.code?.formatted ?? "",
                             plan.wave.opens?.description ?? "", plan.wave.closes?.description ?? "", instructions].map(CSVWriter.Field.text))
        }
        return out
    }

    /// One message per participant with an email address, from the template.
    public func messages(template: MailTemplate, from: String?, domain: String, now: Date) -> [(participant: String, message: MailMessage)] {
        plan.items.compactMap { item in
            guard let email = item.email else { return nil }
            let (headers, body) = template.render(values(item))
            func header(_ n: String) -> String? { headers.first { $0.name == n }?.value }
            let sender = header("From").flatMap { $0.isEmpty ? nil : $0 } ?? from
            let m = MailMessage(from: sender, replyTo: header("Reply-To").flatMap { $0.isEmpty ? nil : $0 },
                                to: (item.name, email), subject: header("Subject") ?? "", body: body,
                                date: now, messageID: MailMessage.newMessageID(domain: domain))
            return (item.participant, m)
        }
    }
}
