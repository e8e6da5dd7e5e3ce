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

    func append(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

    /// Replaces bytes already written at `offset` (a zip entry's header once its sizes are
    /// known): the buffer is flushed first, then the bytes are written in place
    /// (`AtomicFile.write(_:at:)`).
    func overwrite(at offset: UInt64, _ bytes: [UInt8]) throws {
        try flush()
        guard let file else { throw ExportError.cannotWrite(path: finalPath, reason: "the file is not open") }
        do { try file.write(bytes, at: Int64(offset)) } catch let e as FileIOError {
            failure = e.reason
            throw ExportError.cannotWrite(path: finalPath, reason: e.reason)
        }
    }

    /// A scratch file with no name beside the export (`Folder.openScratch`: owner-only,
    /// unlinked at once), for a part that must be complete before it is written (the qdpx
    /// project XML).
    func scratch() throws -> OpenFile {
        guard let file else { throw ExportError.cannotWrite(path: finalPath, reason: "the file is not open") }
        do { return try file.scratch(role: "the scratch file beside it") } catch let e as FileIOError {
            throw ExportError.cannotWrite(path: finalPath, reason: e.reason)
        }
    }

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
