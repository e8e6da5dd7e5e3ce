import Foundation

/// Finds the instruments (and codebooks) shipped with Waves, for `waves init`.
public enum ShippedInstruments {
    /// The places looked in, in order: `$WAVES_INSTRUMENTS`, then `instruments/` in the folder
    /// of `executable` and up to five folders above it (the source tree the binary was built
    /// in), then /usr/local/share/waves/instruments.
    public static func candidates(environment: [String: String], executable: URL) -> [URL] {
        var candidates: [URL] = []
        if let env = environment["WAVES_INSTRUMENTS"] { candidates.append(URL(fileURLWithPath: env)) }
        var dir = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("instruments"))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: "/usr/local/share/waves/instruments"))
        return candidates
    }

    /// The first candidate that holds `identity.yaml`, or nil.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 executable: URL = URL(fileURLWithPath: CommandLine.arguments[0])) -> URL? {
        candidates(environment: environment, executable: executable).first { c in
            FileManager.default.fileExists(atPath: c.appendingPathComponent("identity.yaml").path)
        }
    }

    /// The shipped codebooks (qualitative coding, docs/coding.md) beside the instruments folder.
    public static func codebooks(besides instruments: URL) -> URL {
        instruments.deletingLastPathComponent().appendingPathComponent("codebooks")
    }
}
