import Foundation

/// Hands messages to the system's mail transfer agent: `sendmail -t -i` (recipients from
/// the `To:` header; a line holding a single dot does not end the message).
public struct Sendmail: Sendable {
    public var executable: URL

    public init(executable: URL) { self.executable = executable }

    /// `sendmail` on `PATH`, else the usual places (/usr/sbin, /usr/lib).
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> Sendmail? {
        var dirs = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        dirs += ["/usr/sbin", "/usr/lib"]
        for d in dirs where !d.isEmpty {
            let u = URL(fileURLWithPath: d).appendingPathComponent("sendmail")
            if FileManager.default.isExecutableFile(atPath: u.path) { return Sendmail(executable: u) }
        }
        return nil
    }

    /// Sends one message (LF line ends, as local mailers expect); returns nil on success or
    /// the reason it failed (exit status and the first line sendmail wrote to stderr).
    public func send(_ message: MailMessage) -> String? {
        let p = Process()
        p.executableURL = executable
        p.arguments = ["-t", "-i"]
        let input = Pipe(), err = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        do { try p.run() } catch { return "cannot run \(executable.path): \(error.localizedDescription)" }
        let data = Data(message.rendered(eol: "\n").utf8)
        do {
            try input.fileHandleForWriting.write(contentsOf: data)
            try input.fileHandleForWriting.close()
        } catch {
            p.waitUntilExit()
            return "sendmail stopped reading the message (\(error.localizedDescription))"
        }
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationReason == .exit, p.terminationStatus == 0 else {
            let first = errText.split(separator: "\n").first.map(String.init) ?? ""
            return "sendmail exited with status \(p.terminationStatus)\(first.isEmpty ? "" : ": " + first)"
        }
        return nil
    }
}
