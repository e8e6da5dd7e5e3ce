import Foundation
import Glibc

/// One session at a time per participant and wave, across the kiosk, `waves serve` and
/// their threads: an exclusive, non-blocking `flock` on `data/sessions/<p>__<w>.lock`
/// (an empty file, mode 0600, kept: removing a lock file while another process may open
/// it would let two sessions hold "the" lock).
final class SessionLock {
    private var fd: Int32 = -1

    /// Takes the lock, or returns nil when another session holds it.
    static func acquire(dataFolder: URL, participant: String, wave: String) throws -> SessionLock? {
        let dir = dataFolder.appendingPathComponent("sessions", isDirectory: true)
        try DataFolder.ensure(dir)
        let name = String(PrivateFile.messageName(participant).dropLast(4)) + "__" + String(PrivateFile.messageName(wave).dropLast(4)) + ".lock"
        let path = dir.appendingPathComponent(name).path
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CollectError.file(path: path, reason: "cannot open the session lock: \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            return nil
        }
        let l = SessionLock()
        l.fd = fd
        return l
    }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
