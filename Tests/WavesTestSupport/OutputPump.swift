import Foundation
import Glibc

/// Reads a live process's output as it comes (one reader thread per descriptor, `poll` with a
/// short timeout, reads retried on EINTR) into an output and an error buffer; shared by the
/// end-to-end survey driver (`LiveWaves`) and the SSH tests (`LiveProcess`).
public final class OutputPump: @unchecked Sendable {
    private let lock = NSLock()
    private var outBuffer = Data()
    private var errBuffer = Data()
    private var stopping = false
    private let readers = DispatchGroup()

    public init() {}

    public var output: String { lock.lock(); defer { lock.unlock() }; return String(decoding: outBuffer, as: UTF8.self) }
    public var errors: String { lock.lock(); defer { lock.unlock() }; return String(decoding: errBuffer, as: UTF8.self) }

    /// Starts a reader of `fd` into the error buffer (`toErrors`) or the output buffer.
    public func pump(_ fd: Int32, toErrors: Bool) {
        readers.enter()
        Thread.detachNewThread { [self] in
            var chunk = [UInt8](repeating: 0, count: 8192)
            while true {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&p, 1, 50)
                if ready == 0 {
                    lock.lock(); let stop = stopping; lock.unlock()
                    if stop { break }
                    continue
                }
                if ready < 0 { if errno == EINTR { continue }; break }
                let n = read(fd, &chunk, chunk.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                lock.lock()
                if toErrors { errBuffer.append(contentsOf: chunk[0..<n]) } else { outBuffer.append(contentsOf: chunk[0..<n]) }
                lock.unlock()
            }
            readers.leave()
        }
    }

    /// After the process ended: lets the readers drain what it wrote last, then stops them.
    public func stop() {
        usleep(100_000)
        lock.lock(); stopping = true; lock.unlock()
        _ = readers.wait(timeout: .now() + 5)
    }

    /// Writes all of `text` to `fd` (a pipe or a pseudo-terminal), retrying on EINTR.
    public static func send(_ text: String, to fd: Int32) {
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { if errno == EINTR { continue }; return }
            off += n
        }
    }
}

/// Plain text of a terminal stream: escape sequences removed, `\r` dropped.
public func stripTerminalCodes(_ s: String) -> String {
    var out = ""
    var it = s.unicodeScalars.makeIterator()
    while let u = it.next() {
        if u == "\u{1B}" {
            guard let n = it.next() else { break }
            if n == "[" { while let c = it.next(), !(0x40...0x7E).contains(c.value) {} }
            continue
        }
        if u == "\r" { continue }
        out.unicodeScalars.append(u)
    }
    return out
}

/// The last full screen in a terminal stream (text after the last cursor-home).
public func lastScreen(_ s: String) -> String {
    stripTerminalCodes(s.components(separatedBy: "\u{1B}[H").last ?? "")
}
