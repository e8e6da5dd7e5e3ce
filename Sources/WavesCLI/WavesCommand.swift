import ArgumentParser
import Foundation

/// The `waves` command: one subcommand per task (spec/cli.md).
public struct WavesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "waves",
        abstract: "Longitudinal survey research for medical education: administer scales, keep every answer, analyse change.",
        version: "0.1.0",
        subcommands: [
            // Keep one line per command; each command lives in Commands/<Name>Command.swift.
            InitCommand.self,
            ValidateCommand.self,
            ImportCommand.self,
            StatusCommand.self,
            ScoreCommand.self,
            SimulateCommand.self,
            TakeCommand.self,
            ReliabilityCommand.self,
            RetestCommand.self,
            RCICommand.self,
            ChangeCommand.self,
            LMMCommand.self,
            ReportCommand.self,
            ExportCommand.self,
            InviteCommand.self,
            RemindCommand.self,
            KioskCommand.self,
            WithdrawCommand.self,
            CFACommand.self,
            InvarianceCommand.self,
            CodeCommand.self,
            AgreementCommand.self,
            ServeCommand.self,
            PowerCommand.self,
            VerifyCommand.self,
            InstrumentsCommand.self,
            QualityCommand.self,
            AttritionCommand.self,
            FlowCommand.self,
            FeedbackCommand.self,
            ResultsCommand.self,
        ]
    )

    public init() {}
}
