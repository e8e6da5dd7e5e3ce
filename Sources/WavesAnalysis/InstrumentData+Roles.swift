import Foundation
import WavesStats

extension InstrumentData {
    /// Whether change and mixed models compare roles: the study has several `roles`, and at
    /// least two of them have two or more participants with a score at every wave in `waves`
    /// (columns of `scores`); a scale shown to one role only is analysed without role.
    public func rolesCompare(scores: Matrix, waves cols: [Int], roles: [String]) -> Bool {
        guard roles.count > 1 else { return false }
        var complete: [String: Int] = [:]
        for p in 0..<scores.rows where cols.allSatisfy({ !scores[p, $0].isNaN }) {
            if let r = self.roles[p], roles.contains(r) { complete[r, default: 0] += 1 }
        }
        return complete.values.filter { $0 >= 2 }.count >= 2
    }

    /// Whether a mixed model includes role: at least two of the study's `roles` have two or
    /// more participants with any score at `waves`.
    public func rolesPresent(scores: Matrix, waves cols: [Int], roles: [String]) -> Bool {
        guard roles.count > 1 else { return false }
        var seen: [String: Int] = [:]
        for p in 0..<scores.rows where cols.contains(where: { !scores[p, $0].isNaN }) {
            if let r = self.roles[p], roles.contains(r) { seen[r, default: 0] += 1 }
        }
        return seen.values.filter { $0 >= 2 }.count >= 2
    }
}
