internal import CGSL
import Foundation

/// A GSL vector that frees itself: allocated in `init`, released in `deinit`.
///
/// Element access is bounds-checked in Swift (with GSL's handler off, an out-of-range
/// `gsl_vector_get` would silently return 0).
final class GSLVector {
    let count: Int
    let raw: UnsafeMutablePointer<gsl_vector>

    /// A zero vector of `count` elements (at least 1).
    init(count: Int) throws {
        GSL.ready()
        guard count > 0 else { throw StatsError.dimension("a GSL vector needs at least one element") }
        guard let v = gsl_vector_calloc(count) else { throw StatsError.numerical("out of memory for a vector of \(count)") }
        self.count = count
        raw = v
    }

    convenience init(_ values: [Double]) throws {
        try self.init(count: values.count)
        set(values)
    }

    deinit { gsl_vector_free(raw) }

    subscript(i: Int) -> Double {
        get {
            precondition(i >= 0 && i < count, "GSLVector index \(i) out of range 0..<\(count)")
            return raw.pointee.data[i * raw.pointee.stride]
        }
        set {
            precondition(i >= 0 && i < count, "GSLVector index \(i) out of range 0..<\(count)")
            raw.pointee.data[i * raw.pointee.stride] = newValue
        }
    }

    /// Overwrites every element.
    func set(_ values: [Double]) {
        precondition(values.count == count, "GSLVector.set: \(values.count) values for \(count) elements")
        let st = raw.pointee.stride, data = raw.pointee.data!
        for (i, x) in values.enumerated() { data[i * st] = x }
    }

    var array: [Double] { GSLVector.read(raw) }

    /// The elements of a vector GSL hands to a callback.
    static func read(_ v: UnsafePointer<gsl_vector>) -> [Double] {
        let n = v.pointee.size, st = v.pointee.stride, data = v.pointee.data!
        return (0..<n).map { data[$0 * st] }
    }

    /// Writes `values` into a vector GSL hands to a callback.
    static func write(_ values: [Double], to v: UnsafeMutablePointer<gsl_vector>) {
        let st = v.pointee.stride, data = v.pointee.data!
        for (i, x) in values.enumerated() { data[i * st] = x }
    }
}
