import Foundation
import WavesCore

/// A scratch file for one export step (the qdpx project XML, compressed, before it is zipped): the
/// export's `FileSink.scratch()`, a file with no name beside it (`Folder.openScratch`:
/// owner-only, created exclusively, unlinked at once), so nothing is left behind by a failure
/// or a kill. Appends are buffered (1 MiB); reads and writes go through `OpenFile`.
final class ScratchFile {
    private let file: OpenFile
    private var buffer: [UInt8] = []
    private let path: String
    /// Bytes appended so far.
    private(set) var size: UInt64 = 0

    /// `path` names the export in messages.
    init(_ file: OpenFile, for path: String) {
        self.file = file
        self.path = path
        buffer.reserveCapacity(1 << 20)
    }

    func append(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        size += UInt64(bytes.count)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        do { try file.writeAll(buffer) } catch let e as FileIOError { throw failure("written", e) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// `count` bytes from `offset` (flushed content only).
    func read(at offset: Int64, count: Int) throws -> Data {
        var data = Data(count: count)
        var done = 0
        while done < count {
            let n: Int
            do {
                n = try data.withUnsafeMutableBytes { try file.read(at: offset + Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: $0[done...])) }
            } catch let e as FileIOError { throw failure("read", e) }
            guard n > 0 else { throw ExportError.cannotWrite(path: path, reason: "the scratch file beside it ended early") }
            done += n
        }
        return data
    }

    /// Lets the buffer go (the file closes when the last reference goes).
    func close() { buffer = [] }

    private func failure(_ what: String, _ e: FileIOError) -> ExportError {
        .cannotWrite(path: path, reason: "the scratch file beside it could not be \(what): \(e.reason)")
    }
}
