import ArgumentParser
import Foundation
import WavesCollect

/// `waves remind`: write again to those invited who have not completed the wave.
struct RemindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remind",
        abstract: "Remind invited participants who have not completed a wave (new codes only with --reissue).",
        discussion: """
        Codes are stored only as hashes, so a reminder cannot repeat a code: without \
        --reissue it asks participants to use the code from their invitation (which still \
        works); with --reissue it carries a new code and the old one stops working.
        """)

    @OptionGroup var options: StudyOptions
    @OptionGroup var invitation: InvitationOptions

    func run() throws { try InvitationRun.run(.remind, options: invitation, study: options) }
}
