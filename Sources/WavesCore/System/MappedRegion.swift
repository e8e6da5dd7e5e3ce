import Foundation
import Glibc

/// A read-only, private mapping of part of a file, unmapped when the last reference goes.
///
/// Used for the dense matrix of a column cache (`ColumnCache`): the file's pages are already in
/// the page cache after the first read, so mapping them costs page-table entries only, while
/// reading them into fresh memory costs the kernel zeroing every new page first (on this
/// machine's VM that was 40% of a warm `waves change`). Written by hand because no package here
/// wraps `mmap`; swift-system has no mapping call.
///
/// Waves never changes a file it maps: caches are replaced whole (`AtomicFile`: a new file
/// renamed over the old one), so a mapping keeps the old file's bytes. Only cutting the same
/// file short in place while it is mapped (by hand, as its owner) would make a read fault.
public final class MappedRegion: @unchecked Sendable {
    /// The asked-for bytes.
    public let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer
    private let length: Int

    private init(base: UnsafeMutableRawPointer, length: Int, skip: Int, count: Int) {
        self.base = base; self.length = length
        bytes = UnsafeRawBufferPointer(start: base + skip, count: count)
    }

    deinit { munmap(base, length) }

    /// Maps `count` bytes of `file` from `offset` (any offset: the mapping starts at the page
    /// before it), with every page brought in at once (`MAP_POPULATE`); nil when the range is
    /// not inside the file or the mapping fails (the caller reads instead).
    public static func map(_ file: OpenFile, offset: Int64, count: Int) -> MappedRegion? {
        let page = Int64(sysconf(Int32(_SC_PAGESIZE)))
        guard count > 0, offset >= 0, page > 0, let size = try? file.size(), offset + Int64(count) <= size else { return nil }
        let start = offset - offset % page
        let skip = Int(offset - start), length = skip + count
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        let p = mmap(nil, length, PROT_READ, flags, file.descriptor, off_t(start))
        guard let p, p != MAP_FAILED else { return nil }
        return MappedRegion(base: p, length: length, skip: skip, count: count)
    }
}
