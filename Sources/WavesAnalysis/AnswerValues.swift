import WavesCore

/// The answers of an `InstrumentData`: participant x wave x item Doubles, row-major.
///
/// Either an array (built by a scan of the store) or, for columns read from a `ColumnCache`, a
/// read-only mapping of the cache file's matrix, used in place: reading 128 MB into fresh memory
/// cost a warm analysis more than the analysis itself (the kernel zeroes every new page), and
/// the mapped pages are the page cache's, already there. A mapped value is never written: the
/// first change copies it into an array.
public struct AnswerValues: RandomAccessCollection, Sendable {
    private var array: [Double]
    /// When set, the values are these Doubles (and `array` is empty).
    private var mapping: MappedRegion?

    public init(_ array: [Double] = []) { self.array = array; mapping = nil }

    /// The Doubles of `region` (a whole number of them, aligned for Double), in place; nil when
    /// the region cannot hold them so.
    init?(mapped region: MappedRegion) {
        guard region.bytes.count % MemoryLayout<Double>.stride == 0,
              Int(bitPattern: region.bytes.baseAddress) % MemoryLayout<Double>.alignment == 0 else { return nil }
        array = []; mapping = region
    }

    /// Whether the values are a cache file's mapped matrix (for tests).
    var isMapped: Bool { mapping != nil }

    public var count: Int { mapping.map { $0.bytes.count / MemoryLayout<Double>.stride } ?? array.count }
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        if let m = mapping { return try body(m.bytes.bindMemory(to: Double.self)) }
        return try array.withUnsafeBufferPointer(body)
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let m = mapping { return try body(m.bytes) }
        return try array.withUnsafeBytes(body)
    }

    public subscript(i: Int) -> Double {
        get {
            if let m = mapping {
                precondition(i >= 0 && i < count, "index out of range")
                return m.bytes.load(fromByteOffset: i * MemoryLayout<Double>.stride, as: Double.self)
            }
            return array[i]
        }
        set { ownArray(); array[i] = newValue }
    }

    // MARK: Building (by the loaders: always an array)

    mutating func reserveCapacity(_ n: Int) { ownArray(); array.reserveCapacity(n) }
    mutating func append(contentsOf values: some Sequence<Double>) { ownArray(); array.append(contentsOf: values) }
    mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        ownArray()
        return try array.withUnsafeMutableBufferPointer(body)
    }

    /// A mapped value becomes an array of the same Doubles before it is changed.
    private mutating func ownArray() {
        guard let m = mapping else { return }
        array = Array(m.bytes.bindMemory(to: Double.self))
        mapping = nil
    }
}
