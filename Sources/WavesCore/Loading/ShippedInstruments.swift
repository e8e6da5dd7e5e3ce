import Foundation

/// Finds the instruments shipped with Waves.
public enum ShippedInstruments {
    /// `$WAVES_INSTRUMENTS`, else `instruments/` of the source tree the binary was built in, else /usr/local/share/waves/instruments.
    public static func directory() -> URL? {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["WAVES_INSTRUMENTS"] { candidates.append(URL(fileURLWithPath: env)) }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("instruments"))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: "/usr/local/share/waves/instruments"))
        let fm = FileManager.default
        return candidates.first { c in
            fm.fileExists(atPath: c.appendingPathComponent("identity.yaml").path)
        }
    }
}
