import Foundation
import WavesAnalysis
import WavesCore
import WavesStats

/// Seeded coders for simulated studies (the demo): each codes the free-text answers that came
/// from `DiaryBank`, starting from the entry's own codes and erring as people do.
///
/// Rule, for coder k (0, 1, ...) of `coders`, with a Mersenne Twister seeded from the seed and
/// the coder's name: each code of the entry is missed with probability 0.06 + 0.06k (twice that
/// for `reflection`, the hardest to see); a ring of personhood is taken for its neighbour
/// (innate-individual-relational-societal) with probability 0.12 + 0.06k, with a memo saying
/// so; any other leaf code is added with probability 0.015 + 0.015k. Each coder works through
/// the units in their own blind order, 90 seconds apart, from a week after the last submission.
/// The consensus coder then records the entry's codes on every unit where the first two
/// coders differ, as `waves code --reconcile` would. The same seed gives the same bytes.
public enum SimulatedCoders {
    static let rings = ["innate", "individual", "relational", "societal"]

    public static func make(_ project: CodingProject, coders: [String], seed: UInt64) throws -> [(coder: String, decisions: [CodingDecision])] {
        for c in coders { try CoderName.validate(c) }
        guard !coders.contains(CoderName.consensus) else { throw CodingError.invalidArgument("'consensus' is recorded by reconciling; name the simulated coders otherwise") }
        let book = project.codebook
        let leaves = book.flat.filter { $0.code.codes.isEmpty }.map(\.code.id)
        let units = project.units.filter { DiaryBank.codesByText[$0.text] != nil }
        guard !units.isEmpty else { throw CodingError.noUnits("no free-text answer of this study comes from the simulator's diary bank; simulate the responses first") }
        let last = project.data.records.map(\.submittedAt).max() ?? "2026-01-01T00:00:00Z"
        let start = (ISO8601DateFormatter().date(from: last) ?? Date(timeIntervalSince1970: 0)).addingTimeInterval(7 * 86_400)
        func decision(_ u: CodingUnit, _ codes: Set<String>, _ memo: String, _ coder: String, _ at: Date) -> CodingDecision {
            CodingDecision(unit: u.id, codes: book.flat.map(\.code.id).filter { codes.contains($0) }, memo: memo,
                           at: Timestamp.string(at), coder: coder, codebook: book.id, codebookVersion: book.version, codebookSHA256: book.sha256)
        }
        var out: [(coder: String, decisions: [CodingDecision])] = []
        var byCoder: [[String: Set<String>]] = []
        for (k, coder) in coders.enumerated() {
            let rng = RandomSource(seed: seed ^ CodingOrder.fnv1a("waves.simulated-coder/1\u{0}" + coder))
            let miss = 0.06 + 0.06 * Double(k), swap = 0.12 + 0.06 * Double(k), add = 0.015 + 0.015 * Double(k)
            var decisions: [CodingDecision] = []
            var sets: [String: Set<String>] = [:]
            let order = CodingOrder.blind(units, seed: CodingOrder.defaultSeed(study: project.data.study.id, coder: coder))
            for (i, u) in order.enumerated() {
                let truth = Set(DiaryBank.codesByText[u.text]!.filter { book.contains($0) })
                var codes = Set<String>()
                var memo = ""
                for c in truth.sorted() {
                    if let r = rings.firstIndex(of: c), rng.bernoulli(swap) {
                        let n = r == 0 ? 1 : (r == rings.count - 1 ? r - 1 : (rng.bernoulli(0.5) ? r - 1 : r + 1))
                        codes.insert(rings[n])
                        memo = "Unsure whether this is the \(rings[n]) or the \(c) ring."
                        continue
                    }
                    if !rng.bernoulli(c == "reflection" ? 2 * miss : miss) { codes.insert(c) }
                }
                for c in leaves where !truth.contains(c) && rng.bernoulli(add) { codes.insert(c) }
                sets[u.id] = codes
                decisions.append(decision(u, codes, memo, coder, start.addingTimeInterval(Double(k) * 86_400 + Double(i) * 90)))
            }
            out.append((coder, decisions))
            byCoder.append(sets)
        }
        if coders.count >= 2 {
            var decisions: [CodingDecision] = []
            let at = start.addingTimeInterval(Double(coders.count) * 86_400)
            for u in units where byCoder[0][u.id] != byCoder[1][u.id] {
                let truth = Set(DiaryBank.codesByText[u.text]!.filter { book.contains($0) })
                decisions.append(decision(u, truth, "Reconciled \(coders[0]) and \(coders[1]).", CoderName.consensus,
                                          at.addingTimeInterval(Double(decisions.count) * 120)))
            }
            out.append((CoderName.consensus, decisions))
        }
        return out
    }
}
