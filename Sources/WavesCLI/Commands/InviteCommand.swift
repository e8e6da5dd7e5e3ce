import ArgumentParser
import Foundation
import WavesCollect

/// `waves invite`: access codes for a wave, a mail-merge CSV, messages (docs/collection.md).
struct InviteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invite",
        abstract: "Issue access codes for a wave and write the invitations (CSV, optional messages).",
        discussion: """
        Invites active roster participants who have not completed the wave, declined or \
        withdrawn, and do not already hold a code for it (see --reissue). Codes appear only \
        in the CSV and the messages; data/ keeps their HMAC. Refused once the wave's window \
        has closed; allowed before it opens.
        """)

    @OptionGroup var options: StudyOptions
    @OptionGroup var invitation: InvitationOptions

    func run() throws { try InvitationRun.run(.invite, options: invitation, study: options) }
}
