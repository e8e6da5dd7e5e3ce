import Foundation
import Glibc
import XCTest
@testable import WavesCore

/// The system-call layer: atomic replace with an exact mode, links refused, EINTR retried.
final class FileIOTests: XCTestCase {
    var dir: URL!
    let fm = FileManager.default

    override func setUp() {
        dir = fm.temporaryDirectory.appendingPathComponent("waves-fileio-\(UUID().uuidString.prefix(8))")
        try? fm.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? fm.removeItem(at: dir) }

    func mode(_ url: URL) -> Int? { (try? fm.attributesOfItem(atPath: url.path))?[.posixPermissions] as? Int }

    func testAtomicReplaceHasTheExactModeWhateverTheUmaskAndLeavesNoTemporaryFile() throws {
        let folder = try Folder.open(dir)
        let old = umask(0o077)
        defer { umask(old) }
        try folder.replace("a.txt", with: Array("one\n".utf8), permissions: 0o644)
        XCTAssertEqual(mode(dir.appendingPathComponent("a.txt")), 0o644, "fchmod, not the umask, sets the mode")
        umask(0o000)
        try folder.replace("a.txt", with: Array("two\n".utf8), permissions: 0o600)
        XCTAssertEqual(mode(dir.appendingPathComponent("a.txt")), 0o600)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("a.txt"), encoding: .utf8), "two\n")
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: dir.path), ["a.txt"])
    }

    func testDiscardLeavesTheOldFileAndNoTemporaryFile() throws {
        let folder = try Folder.open(dir)
        try folder.replace("a.txt", with: Array("old".utf8))
        let f = try folder.beginReplacing("a.txt")
        try f.write("new content that is never committed")
        f.discard()
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("a.txt"), encoding: .utf8), "old")
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: dir.path), ["a.txt"])
    }

    /// A scratch file has no name from the start, is owner-only whatever the umask, and reads
    /// back what was written; a positional write replaces bytes of a replacement in place.
    func testScratchHasNoNameAndPositionalWritesReplaceInPlace() throws {
        let folder = try Folder.open(dir)
        let old = umask(0o000)
        defer { umask(old) }
        let scratch = try folder.openScratch()
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: dir.path), [], "unlinked at once")
        XCTAssertEqual(try scratch.permissions(), 0o600)
        try scratch.writeAll(Array("hello, world".utf8))
        try scratch.writeAll(Array("W".utf8), at: 7)
        var back = [UInt8](repeating: 0, count: 12)
        let n = try back.withUnsafeMutableBytes { try scratch.read(at: 0, into: $0) }
        XCTAssertEqual(String(decoding: back.prefix(n), as: UTF8.self), "hello, World")

        let f = try folder.beginReplacing("b.bin")
        try f.write(Array("header: ????; body".utf8))
        try f.write(Array("0042".utf8), at: 8)
        try f.commit()
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("b.bin"), encoding: .utf8), "header: 0042; body")
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: dir.path), ["b.bin"], "no scratch or temporary file is left")
    }

    /// `startWriteback` (`sync_file_range`, looked up by name) is found and accepted for a
    /// regular file's written bytes, changes none of them, and `sync` still follows.
    func testWritebackIsStartedOnAFileAndChangesNoByte() throws {
        let folder = try Folder.open(dir)
        let f = try folder.openForAppending("log.jsonl")
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        try f.writeAll(bytes)
        XCTAssertTrue(f.startWriteback(from: 0, count: Int64(bytes.count)))
        XCTAssertTrue(f.startWriteback(from: 4096, count: 10))
        try f.writeAll(Array("tail\n".utf8))
        try f.sync()
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("log.jsonl")), Data(bytes + Array("tail\n".utf8)))
    }

    func testReplacingALinkReplacesTheLinkNotItsTarget() throws {
        let victim = dir.appendingPathComponent("victim.txt")
        try Data("keep".utf8).write(to: victim)
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("link.txt").path, withDestinationPath: victim.path)
        try Folder.open(dir).replace("link.txt", with: Array("new".utf8))
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "keep")
        XCTAssertFalse(FileIO.isSymbolicLink(dir.appendingPathComponent("link.txt").path))
    }

    func testLinksAreRefusedForFilesAndFolders() throws {
        let real = dir.appendingPathComponent("real")
        try fm.createDirectory(at: real, withIntermediateDirectories: true)
        try Data("x\n".utf8).write(to: real.appendingPathComponent("f"))
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("linked").path, withDestinationPath: real.path)
        XCTAssertThrowsError(try Folder.open(dir.appendingPathComponent("linked"))) {
            XCTAssertEqual(($0 as? FileIOError)?.kind, .symbolicLink, "\($0)")
            XCTAssertTrue($0.localizedDescription.contains("symbolic link"), $0.localizedDescription)
        }
        XCTAssertNoThrow(try Folder.open(dir.appendingPathComponent("linked"), followLink: true))
        try fm.createSymbolicLink(atPath: real.appendingPathComponent("l").path, withDestinationPath: real.appendingPathComponent("f").path)
        let folder = try Folder.open(real)
        XCTAssertThrowsError(try folder.openForAppending("l")) { XCTAssertEqual(($0 as? FileIOError)?.kind, .symbolicLink) }
        XCTAssertThrowsError(try folder.openForReading("l")) { XCTAssertEqual(($0 as? FileIOError)?.kind, .symbolicLink) }
        XCTAssertThrowsError(try OpenFile.openForReading(real.appendingPathComponent("l").path)) {
            XCTAssertEqual(($0 as? FileIOError)?.kind, .symbolicLink)
        }
        XCTAssertEqual(try String(contentsOf: real.appendingPathComponent("f"), encoding: .utf8), "x\n")
        XCTAssertNil(try folder.openForReading("absent"))
        try fm.createDirectory(at: real.appendingPathComponent("sub"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try folder.openForAppending("sub")) { XCTAssertEqual(($0 as? FileIOError)?.kind, .notAFile) }
        XCTAssertThrowsError(try folder.openForReading("sub")) { XCTAssertEqual(($0 as? FileIOError)?.kind, .notAFile) }
    }

    func testFolderIsCreatedWithItsMode() throws {
        let deep = dir.appendingPathComponent("a/b")
        _ = try Folder.open(deep, create: 0o700)
        XCTAssertEqual(mode(deep), 0o700)
        let file = try Folder.open(deep).openForAppending("log", permissions: 0o600)
        try file.writeAll(Array("line\n".utf8))
        XCTAssertEqual(mode(deep.appendingPathComponent("log")), 0o600)
        XCTAssertEqual(try file.size(), 5)
    }

    func testLockIsExclusiveBetweenDescriptors() throws {
        let folder = try Folder.open(dir)
        let a = try folder.openForAppending("lock")
        let b = try folder.openForAppending("lock")
        try a.withLock {
            // flock locks belong to the open file description: a second one cannot take it.
            XCTAssertNotEqual(flock(b.descriptor, LOCK_EX | LOCK_NB), 0)
            XCTAssertEqual(errno, EWOULDBLOCK)
        }
        XCTAssertEqual(flock(b.descriptor, LOCK_EX | LOCK_NB), 0)
    }

    // MARK: - EINTR

    /// A signal handler installed without SA_RESTART makes a blocking read or poll fail with EINTR;
    /// `FileIO.read` and `FileIO.poll` retry and return the data that arrives afterwards.
    func testReadAndPollRetryAfterASignalInterruptsThem() throws {
        var sa = sigaction()
        sa.__sigaction_handler.sa_handler = { _ in }
        sa.sa_flags = 0
        var old = sigaction()
        XCTAssertEqual(sigaction(SIGUSR2, &sa, &old), 0)
        defer { _ = sigaction(SIGUSR2, &old, nil) }
        // The set-up does interrupt: a bare read fails with EINTR.
        var raw: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&raw), 0)
        defer { close(raw[0]); close(raw[1]) }
        let me = pthread_self()
        Thread.detachNewThread { usleep(50_000); _ = pthread_kill(me, SIGUSR2) }
        var byte: UInt8 = 0
        XCTAssertEqual(Glibc.read(raw[0], &byte, 1), -1)
        XCTAssertEqual(errno, EINTR)

        for usePoll in [false, true] {
            var fds: [Int32] = [-1, -1]
            XCTAssertEqual(pipe(&fds), 0)
            defer { close(fds[0]); close(fds[1]) }
            let reader = pthread_self()
            let writeFD = fds[1]
            let done = DispatchSemaphore(value: 0)
            let signalled = LockedCounter()
            Thread.detachNewThread {
                // Interrupt the reader a few times while it waits, then give it data.
                for _ in 0..<5 {
                    usleep(20_000)
                    if pthread_kill(reader, SIGUSR2) == 0 { signalled.increment() }
                }
                _ = FileIO.writeAll(writeFD, "hello")
                done.signal()
            }
            if usePoll {
                var p = [pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)]
                XCTAssertEqual(FileIO.poll(&p, timeout: -1), 1)
            }
            var buffer = [UInt8](repeating: 0, count: 16)
            let n = buffer.withUnsafeMutableBytes { FileIO.read(fds[0], into: $0) }
            XCTAssertEqual(n, 5)
            XCTAssertEqual(String(decoding: buffer[0..<5], as: UTF8.self), "hello")
            done.wait()
            XCTAssertEqual(signalled.value, 5)
        }
    }

    // MARK: - Hashes and modes

    func testContentHashMatchesFIPS180Vectors() {
        XCTAssertEqual(ContentHash.sha256Hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(ContentHash.sha256Hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertNotEqual(ContentHash.sha256Hex(joining: ["ab", "c"]), ContentHash.sha256Hex(joining: ["a", "bc"]))
    }

    func testOutputModeParsesOctalAndKeepsTheOwnersAccess() throws {
        XCTAssertEqual(try OutputMode(octal: "644").bits, 0o644)
        XCTAssertEqual(try OutputMode(octal: "0640").bits, 0o640)
        XCTAssertEqual(try OutputMode(octal: "600").description, "0600")
        XCTAssertEqual(OutputMode.ownerOnly.bits, 0o600)
        XCTAssertEqual(try OutputMode(octal: "644").folderBits, 0o755)
        XCTAssertEqual(OutputMode.ownerOnly.folderBits, 0o700)
        for bad in ["", "999", "8", "400", "200", "4755", "1777", "u+r", "0x1a4", "-644", "64444"] {
            XCTAssertThrowsError(try OutputMode(octal: bad), bad) { XCTAssertTrue($0.localizedDescription.contains("--mode"), bad) }
        }
    }
}

/// A counter shared with another thread.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
