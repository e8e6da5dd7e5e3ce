/// Distinct integer keys (subjects, waves, roles) of many observations, without hashing when
/// the keys are small non-negative numbers (participant, wave and role indices always are):
/// then a flat table by key replaces a `Set` or `Dictionary`, which at 400,000 observations
/// spent more time hashing than the mixed model spent fitting. Any other keys take the
/// hashed path, with the same results.
public enum IntKeys {
    /// Whether `keys` fit a table of at most a few times their count.
    private static func denseBound(_ keys: [Int]) -> Int? {
        guard let lo = keys.min(), let hi = keys.max(), lo >= 0 else { return keys.isEmpty ? 0 : nil }
        return hi < 4 * keys.count + 1024 ? hi + 1 : nil
    }

    /// The distinct keys in increasing order (as `Array(Set(keys)).sorted()`).
    public static func sortedDistinct(_ keys: [Int]) -> [Int] {
        guard let bound = denseBound(keys) else { return Array(Set(keys)).sorted() }
        var seen = [Bool](repeating: false, count: bound)
        for k in keys { seen[k] = true }
        return seen.indices.filter { seen[$0] }
    }

    /// Each key renumbered 0, 1, 2, ... in order of first appearance, and the number of distinct keys.
    public static func firstAppearance(_ keys: [Int]) -> (numbers: [Int], count: Int) {
        var numbers = [Int]()
        numbers.reserveCapacity(keys.count)
        if let bound = denseBound(keys) {
            var table = [Int](repeating: -1, count: bound)
            var next = 0
            for k in keys {
                if table[k] < 0 { table[k] = next; next += 1 }
                numbers.append(table[k])
            }
            return (numbers, next)
        }
        var index: [Int: Int] = [:]
        for k in keys {
            if let i = index[k] { numbers.append(i) } else { index[k] = index.count; numbers.append(index.count - 1) }
        }
        return (numbers, index.count)
    }
}
