import Foundation

/// Many short strings kept as one byte array and one span per string: the latest
/// `submitted_at` of every participant, wave and instrument (`StudyIndex`, `LatestCells`).
///
/// A Swift `String` longer than 15 bytes is a separate heap object, so 4 million time stamps
/// of 20 bytes took about 64 bytes each (the string, its object and the allocator's rounding);
/// here they take their bytes and 8 more. Replacing a string appends its new bytes (the old
/// ones stay unused: a replacement is a duplicate submission, which is rare). Written by hand
/// because no package here packs strings; it is an array of bytes and an array of spans.
public struct PackedStrings: Sendable, Equatable {
    private var bytes: [UInt8] = []
    /// Per string: its first byte in `bytes` (high 40 bits) and its length (low 24 bits); a
    /// length of all ones means the string is in `long` (a store line can hold a time stamp of
    /// any length, and no input may stop Waves).
    private var spans: [UInt64] = []
    private var long: [Int: String] = [:]
    private static let lengthBits: UInt64 = 24
    private static let inLong: UInt64 = 1 << lengthBits - 1

    public init() {}

    /// `count` empty strings.
    public init(repeatingEmpty count: Int) { spans = Array(repeating: 0, count: count) }

    public var count: Int { spans.count }

    /// Reserves room for `strings` strings of about `bytesEach` bytes.
    public mutating func reserve(_ strings: Int, bytesEach: Int) {
        spans.reserveCapacity(strings)
        bytes.reserveCapacity(strings * bytesEach)
    }

    public mutating func append(_ s: String) {
        spans.append(0)
        self[spans.count - 1] = s
    }

    /// Adds `n` empty strings.
    public mutating func appendEmpty(_ n: Int) { spans.append(contentsOf: repeatElement(0, count: n)) }

    public subscript(i: Int) -> String {
        get { withUTF8(i) { String(decoding: $0, as: UTF8.self) } }
        set {
            var s = newValue
            s.withUTF8 { u in set(i, u) }
        }
    }

    /// Stores the bytes `u` as string `i`.
    public mutating func set(_ i: Int, _ u: UnsafeBufferPointer<UInt8>) {
        let start = bytes.count
        if UInt64(u.count) >= Self.inLong || UInt64(start) >= 1 << (64 - Self.lengthBits) {
            long[i] = String(decoding: u, as: UTF8.self)
            spans[i] = Self.inLong
            return
        }
        if !long.isEmpty { long[i] = nil }
        bytes.append(contentsOf: u)
        spans[i] = UInt64(start) << Self.lengthBits | UInt64(u.count)
    }

    /// Calls `body` with the bytes of string `i`, in place.
    @inline(__always)
    public func withUTF8<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let span = spans[i], length = span & Self.inLong
        if length == Self.inLong, var s = long[i] { return try s.withUTF8(body) }
        let start = Int(span >> Self.lengthBits)
        return try bytes.withUnsafeBufferPointer { all in try body(UnsafeBufferPointer(rebasing: all[start..<(start + Int(length))])) }
    }

    public static func == (a: PackedStrings, b: PackedStrings) -> Bool {
        a.count == b.count && (0..<a.count).allSatisfy { i in a.withUTF8(i) { x in b.withUTF8(i) { y in x.elementsEqual(y) } } }
    }
}
