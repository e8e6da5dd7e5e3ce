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
