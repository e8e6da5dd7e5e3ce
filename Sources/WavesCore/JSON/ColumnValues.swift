import Glibc

/// The requested numbers of one store line (`ColumnRecord.values`): a run of a `ValueSlab`
/// shared with the rows decoded before and after it on the same thread, so the store scan makes
/// one allocation per few hundred rows instead of one `[Double]` per row (whose allocation on a
/// decoding thread and release on the consuming one were a tenth of the scan's CPU).
///
/// Read-only once the decoder has handed the row over. A row keeps its slab alive, so a
/// consumer that keeps rows keeps their slabs (none in Waves does: each copies what it needs).
public struct ColumnValues: RandomAccessCollection, Sendable {
    private let slab: ValueSlab?
    // 32 bits each: a row is moved several times in the scan, so its size counts.
    private let first: Int32
    private let length: Int32
    public var count: Int { Int(length) }

    /// Values of their own (tests, and rows built from a strictly decoded record).
    public init(_ values: [Double]) {
        guard !values.isEmpty else { self.init(); return }
        let slab = ValueSlab(capacity: values.count)
        _ = values.withUnsafeBufferPointer { slab.base.initialize(from: $0.baseAddress!, count: values.count) }
        slab.used = values.count
        self.init(slab: slab, start: 0, count: values.count)
    }

    public init() { self.init(slab: nil, start: 0, count: 0) }

    init(slab: ValueSlab?, start: Int, count: Int) {
        self.slab = slab; first = Int32(start); length = Int32(count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(k: Int) -> Double {
        precondition(k >= 0 && k < count, "column value index out of range")
        return slab!.base[Int(first) + k]
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: count == 0 ? nil : slab!.base + Int(first), count: count))
    }
}

/// Room for the numbers of many rows, filled by one decoding thread (`ColumnDecoder`) and then
/// only read. Not thread-safe for writing: `ColumnDecoder.reserve` gives each thread its own
/// (a slab remembers the thread that made it, and a decoder on another thread starts a new one,
/// so copies of one decoder on several threads never write to the same slab).
/// Written by hand because no collection here hands out read-only runs of one buffer.
final class ValueSlab: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
    let capacity: Int
    /// How much of `base` rows have taken (only the owning thread changes it).
    var used = 0
    let owner: pthread_t

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
        owner = pthread_self()
    }

    deinit { base.deallocate() }

    /// Doubles per slab: about 200 rows of 40 items (64 KB).
    static let standardCapacity = 8192
}
