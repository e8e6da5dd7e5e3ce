import ArgumentParser
import Dispatch
import Foundation
import Glibc
import WavesCore
import WavesServe

/// `waves serve`: the participants' front door over SSH (docs/serve.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve",
        abstract: "Let remote participants answer over SSH (interactive sessions only).",
        discussion: """
        Participants connect with `ssh -p PORT any-name@HOST` from a terminal; no password \
        or key is asked, the session itself asks for what identifies them. Only interactive \
        sessions with a terminal are allowed: commands, file transfer and port forwarding \
        are refused. The host key is made on first run (mode 0600) and its fingerprint is \
        printed: give it to participants so they can check it. The log (connections, refusals, \
        how sessions ended; never a code or an answer) goes to stderr. SIGTERM or Ctrl-C \
        closes every session with its answers kept and exits 0.
        """)

    @OptionGroup var options: StudyOptions

    @Option(help: "The address and port to listen on (0.0.0.0:2222 for every interface).")
    var listen = "127.0.0.1:2222"

    @Option(name: .customLong("host-key"), help: "The host key file (default: data/ssh_host_ed25519_key in the study).")
    var hostKey: String?

    @Option(name: .customLong("max-failures"), help: "Failed codes allowed per source address per minute before it must wait.")
    var maxFailures = 5

    @Option(name: .customLong("idle-minutes"), help: "Close a session after this many minutes without a key press.")
    var idleMinutes: Double = 10

    @Option(help: "The wave to administer (rehearsal: default the study's first wave).")
    var wave: String?

    @Flag(help: .hidden)
    var rehearsal = false

    @Option(name: .customLong("login-grace-seconds"), help: .hidden)
    var loginGraceSeconds: Double = 60

    func validate() throws {
        guard maxFailures >= 1 else { throw ValidationError("--max-failures must be at least 1.") }
        guard idleMinutes > 0, idleMinutes.isFinite else { throw ValidationError("--idle-minutes must be a positive number.") }
        guard loginGraceSeconds > 0, loginGraceSeconds.isFinite else { throw ValidationError("--login-grace-seconds must be positive.") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let bundle = try options.loadBundle()
        let flow = try participantFlow(bundle)
        let (host, port) = try ServeConfiguration.parseListen(listen)

        let keyURL = hostKey.map { URL(fileURLWithPath: $0) }
            ?? options.directory.appendingPathComponent(HostKey.defaultRelativePath)
        if hostKey == nil {
            try? FileManager.default.createDirectory(at: keyURL.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        let (key, created) = try HostKey.loadOrCreate(at: keyURL)

        let logLock = NSLock()
        let log = ServeLog { line in logLock.lock(); Output.err("waves serve: " + line); logLock.unlock() }
        let limiter = FailureLimiter(maxFailures: maxFailures, log: log)
        var config = ServeConfiguration(host: host, port: port, hostKey: key)
        config.idleTimeout = idleMinutes * 60
        config.loginGrace = loginGraceSeconds
        let server = SSHServer(configuration: config, flow: flow, limiter: limiter, log: log)

        // Signals are taken by a dispatch source, not a handler: the shutdown runs on a normal thread.
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let done = DispatchSemaphore(value: 0)
        let sources = [SIGTERM, SIGINT].map { sig in
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                server.shutdown()
                done.signal()
            }
            source.resume()
            return source
        }
        let bound = try server.start()
        if created { Output.out("Made a new host key: \(keyURL.path) (mode 0600).") }
        Output.out("Host key fingerprint: ED25519 \(key.fingerprint)")
        Output.out("Listening on \(host.contains(":") ? "[\(host)]" : host):\(bound); participants connect with: ssh -p \(bound) survey@HOST")
        if rehearsal { Output.out("Rehearsal: participants type their roster id; no access code protects the answers.") }
        done.wait()
        sources.forEach { $0.cancel() }
        Output.out("Stopped; every session was closed with its answers kept.")
    }

    /// The flow each session runs. The access-code flow (consent, the wave's instruments,
    /// thanks; `waves kiosk`) plugs in here; until then only the rehearsal stand-in runs.
    private func participantFlow(_ bundle: StudyBundle) throws -> RemoteSessionFlow {
        guard rehearsal else {
            throw CLIFailure("waves serve needs the access-code flow of `waves kiosk`, which this build does not have yet; `--rehearsal` runs a stand-in that asks for the roster id (no secret: for testing only).")
        }
        guard bundle.roster != nil else {
            throw CLIFailure("--rehearsal asks participants for their roster id, but this study has no roster.")
        }
        let waveID = wave ?? bundle.study.waves.first?.id ?? ""
        guard bundle.study.wave(waveID) != nil else {
            throw CLIFailure("Wave '\(SafeText.line(waveID))' is not in study.yaml (waves: \(bundle.study.waves.map(\.id).joined(separator: ", "))).")
        }
        return RehearsalFlow(bundle: bundle, wave: waveID)
    }
}
