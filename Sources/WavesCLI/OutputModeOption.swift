import ArgumentParser
import WavesCore

/// `--mode`, shared by every command that writes a file the user names (`report --out`,
/// `export --out`; next `invite --out`, `feedback --out`): the file's permissions in octal.
struct OutputModeOption: ParsableArguments {
    @Option(name: .customLong("mode"),
            help: "Permissions of the written file(s), in octal as chmod takes them (default 600: only you can read them; 640 or 644 to share).")
    var text: String?

    func validate() throws {
        guard let t = text else { return }
        do { _ = try OutputMode(octal: t) } catch { throw ValidationError(error.localizedDescription) }
    }

    /// The mode to write with (0600 unless `--mode` widens it).
    var mode: OutputMode { text.flatMap { try? OutputMode(octal: $0) } ?? .ownerOnly }
}
