import Foundation

/// What a NaN in the answer columns stands for (its payload); other values are answers.
///
/// JSON has no NaN, so no stored answer is one; a NaN number given in code is kept in the
/// side table (`sideNumber`).
enum AnswerCode: UInt64, Sendable {
    case absent = 1, declined, dontKnow, text, declinedNumber, dontKnowNumber, sideNumber

    private static let quietNaN: UInt64 = 0x7FF8_0000_0000_0000
    var bits: UInt64 { Self.quietNaN | rawValue }
    var value: Double { Double(bitPattern: bits) }
    /// The code of a NaN written by `value` (absent for any other NaN).
    init(_ v: Double) { self = AnswerCode(rawValue: v.bitPattern & 0xFF) ?? .absent }

    fileprivate static let quietFloatNaN: UInt32 = 0x7FC0_0000
    fileprivate var floatBits: UInt32 { Self.quietFloatNaN | UInt32(rawValue) }
}

/// The dense answer cells of an export table, in fixed-size pages of whole blocks, so that
/// growing never copies (or doubles) what is held.
///
/// A page holds Floats while every number written to it is exactly a Float (answers on
/// response scales, whole numbers up to 2^24, halves, ...), so the usual study needs 4 bytes
/// a cell; the first number that is not (0.1, 1e300, ...) turns that page into Doubles,
/// converting what it held exactly. Reads always give the Double that was written, and NaN
/// codes (`AnswerCode`) are kept by their payload in either width.
///
/// Written by hand: no dependency here (swift-collections included) has a growable column
/// that never reallocates what it holds or that chooses its width page by page.
struct AnswerPages: Sendable {
    let pageSize: Int
    private let blockSize: Int
    private var narrow: [[Float]] = []
    private var wide: [[Double]?] = []
    private var count = 0

    init(blockSize: Int) {
        self.blockSize = blockSize
        pageSize = max(1, blockSize) * max(1, (1 << 17) / max(1, blockSize))
    }

    /// Adds one block of absent cells.
    mutating func appendBlock() {
        if count + blockSize > narrow.count * pageSize {
            narrow.append(Array(repeating: Float(bitPattern: AnswerCode.absent.floatBits), count: pageSize))
            wide.append(nil)
        }
        count += blockSize
    }

    subscript(index: Int) -> Double {
        get {
            let p = index / pageSize, o = index % pageSize
            if let page = wide[p] { return page[o] }
            let f = narrow[p][o]
            if f.isNaN { return (AnswerCode(rawValue: UInt64(f.bitPattern & 0xFF)) ?? .absent).value }
            return Double(f)
        }
        set {
            let p = index / pageSize, o = index % pageSize
            if wide[p] != nil { wide[p]![o] = newValue; return }
            if newValue.isNaN {
                narrow[p][o] = Float(bitPattern: AnswerCode(newValue).floatBits)
                return
            }
            let f = Float(newValue)
            if Double(f).bitPattern == newValue.bitPattern { narrow[p][o] = f; return }
            widen(p)
            wide[p]![o] = newValue
        }
    }

    /// Sets cells `index...` to the numbers of `numbers` that are not NaN (leaving the others),
    /// all within one block: as the subscript sets them one by one, the page found once.
    mutating func setNumbers(_ numbers: UnsafeBufferPointer<Double>, at index: Int) {
        let p = index / pageSize, o = index % pageSize
        precondition(o + numbers.count <= pageSize, "cells of one block lie in one page")
        if wide[p] == nil {
            let exact = narrow[p].withUnsafeMutableBufferPointer { f -> Int? in
                for (j, d) in numbers.enumerated() where !d.isNaN {
                    let x = Float(d)
                    guard Double(x).bitPattern == d.bitPattern else { return j }
                    f[o + j] = x
                }
                return nil
            }
            guard let j = exact else { return }
            // A number that is no Float: the rest as the subscript writes them (it widens the page).
            for (c, d) in numbers.enumerated().dropFirst(j) where !d.isNaN { self[index + c] = d }
            return
        }
        for (c, d) in numbers.enumerated() where !d.isNaN { self[index + c] = d }
    }

    /// Copies cells `index..<index + count`, which lie in one block, to `out` as the subscript
    /// reads them (a page holds whole blocks, so this is one page).
    func copy(from index: Int, count: Int, into out: UnsafeMutablePointer<Double>) {
        let p = index / pageSize, o = index % pageSize
        precondition(count >= 0 && o + count <= pageSize, "cells of one block lie in one page")
        if let page = wide[p] {
            page.withUnsafeBufferPointer { d in for j in 0..<count { out[j] = d[o + j] } }
            return
        }
        narrow[p].withUnsafeBufferPointer { f in
            for j in 0..<count {
                let x = f[o + j]
                out[j] = x.isNaN ? (AnswerCode(rawValue: UInt64(x.bitPattern & 0xFF)) ?? .absent).value : Double(x)
            }
        }
    }

    /// Turns page `p` into Doubles (each cell read as before), freeing its Floats.
    private mutating func widen(_ p: Int) {
        var page = [Double](repeating: 0, count: pageSize)
        for o in 0..<pageSize {
            let f = narrow[p][o]
            page[o] = f.isNaN ? (AnswerCode(rawValue: UInt64(f.bitPattern & 0xFF)) ?? .absent).value : Double(f)
        }
        narrow[p] = []
        wide[p] = page
    }
}
