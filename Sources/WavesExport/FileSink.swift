import Foundation
import WavesCore

/// A buffered export file, written through `AtomicFile` (temporary name, exact mode, fsync,
/// rename), so a failed export never leaves a half-written file behind.
final class FileSink {
    private var file: AtomicFile?
    private var buffer: [UInt8] = []
    private var finalPath = ""
    /// The first write error, kept for ReadStat's data-writer callback (which can only return -1).
    private(set) var failure: String?

    init() { buffer.reserveCapacity(1 << 16) }

    /// Starts the file at a checked output target (its folder is created when missing).
    func open(_ target: OutputTarget) throws {
        finalPath = target.url.path
        do { file = try target.begin(role: "the export") } catch let e as FileIOError {
            throw ExportError.cannotWrite(path: finalPath, reason: e.reason)
        }
    }

    func append(_ s: String) { buffer.append(contentsOf: s.utf8) }

    func append(_ bytes: UnsafeRawBufferPointer) { buffer.append(contentsOf: bytes) }

    /// Writes the buffer out once it holds more than 1 MiB.
    func flushIfLarge() throws { if buffer.count > 1 << 20 { try flush() } }

    func flush() throws {
        guard let file else { throw ExportError.cannotWrite(path: finalPath, reason: "the file is not open") }
        do { try file.write(buffer) } catch let e as FileIOError {
            failure = e.reason
            throw ExportError.cannotWrite(path: finalPath, reason: e.reason)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and puts the file in place.
    func commit() throws {
        try flush()
        do { try file?.commit() } catch let e as FileIOError { throw ExportError.cannotWrite(path: finalPath, reason: e.reason) }
        file = nil
    }

    /// Removes the temporary file unless it was committed.
    func discard() {
        file?.discard()
        file = nil
    }

    deinit { discard() }
}
