import Foundation

/// Repeated-measures analysis of one score over waves, optionally with a between factor.
///
/// Mixed ANOVA with Type III sums of squares and sum-to-zero between contrasts, by the
/// multivariate (SSP-matrix) route of R `car::Anova` on the mlm, which is what
/// `afex::aov_ez` reports; Mauchly's test, Greenhouse-Geisser and Huynh-Feldt (Lecoutre)
/// epsilons as car 3.1; paired post hoc t-tests with Holm and Bonferroni adjustment;
/// Friedman's test. Definitions: spec/cli.md, `waves change --json`.
public enum RepeatedMeasures {
    /// Analyses a participants x waves score matrix (complete rows only).
    ///
    /// - Parameters:
    ///   - scores: one row per participant, one column per wave; NaN or infinite values
    ///     are rejected (drop incomplete participants before calling).
    ///   - groups: optional 0-based group index per participant (the `role` factor).
    ///   - groupCount: number of group slots; 0 means max(groups) + 1. Slots without
    ///     participants keep their descriptives (n = 0) and are left out of the model.
    /// - Throws: `StatsError.insufficientData` for fewer than two waves, missing values
    ///   or no error degrees of freedom (N <= groups with participants);
    ///   `StatsError.dimension` for a group vector that does not fit.
    public static func analyze(_ scores: Matrix, groups: [Int]? = nil, groupCount: Int = 0) throws -> RepeatedMeasuresResult {
        let n = scores.rows, w = scores.cols
        guard w >= 2 else {
            throw StatsError.insufficientData("a repeated-measures analysis needs at least two waves, got \(w)")
        }
        if let i = scores.values.firstIndex(where: { !$0.isFinite }) {
            throw StatsError.insufficientData(
                "participant row \(i / w + 1), wave \(i % w + 1) has no score (NaN or infinite); pass complete rows only")
        }
        let (groupIndex, slots) = try resolveGroups(groups, groupCount: groupCount, rows: n)
        let moments = RepeatedMeasuresMoments(scores, groups: groupIndex, groupSlots: slots)
        let used = moments.counts.filter { $0 > 0 }.count
        let errorDF = n - used
        guard errorDF >= 1 else {
            throw StatsError.insufficientData(
                "\(n) participant(s) in \(used) group(s) leave no error degrees of freedom; at least \(used + 1) are needed")
        }
        var notes: [String] = []
        if groups != nil {
            for k in 0..<slots where moments.counts[k] == 0 {
                notes.append("group \(k) has no participants and is left out of the model")
            }
        }

        let sums = sumsOfSquares(moments)
        let within = try sphericity(moments, errorDF: errorDF, withinErrorSS: sums.withinError)
        if let note = within.note { notes.append(note) }
        let anova = effects(sums, within: within, groupsGiven: groups != nil, groupsUsed: used,
                            waves: w, errorDF: errorDF)

        var posthoc = pairedComparisons(scores)
        adjustPairedComparisons(&posthoc)

        let recommended: RepeatedMeasuresResult.Correction?
        if w == 2 {
            recommended = RepeatedMeasuresResult.Correction.none
        } else if let gg = within.gg {
            recommended = gg < 0.75 ? .greenhouseGeisser : .huynhFeldt
        } else {
            recommended = nil
        }

        return RepeatedMeasuresResult(
            n: n, waveCount: w, groupCount: groups == nil ? 0 : slots, groupsUsed: used, errorDF: errorDF,
            descriptives: descriptives(moments, withGroups: groups != nil),
            anova: anova, sphericity: within.test, sphericityNote: within.note,
            posthoc: posthoc, friedman: friedman(scores),
            recommendedCorrection: recommended, notes: notes)
    }

    /// Checks the group vector; without one every participant is in slot 0.
    private static func resolveGroups(_ groups: [Int]?, groupCount: Int, rows n: Int) throws -> ([Int], Int) {
        guard let groups else { return ([Int](repeating: 0, count: n), 1) }
        guard groups.count == n else {
            throw StatsError.dimension("\(groups.count) group indices for \(n) participants")
        }
        guard groupCount >= 0 else { throw StatsError.dimension("group count \(groupCount) is negative") }
        if let bad = groups.first(where: { $0 < 0 }) {
            throw StatsError.dimension("group index \(bad) is negative")
        }
        let largest = groups.max() ?? -1
        let slots = groupCount > 0 ? groupCount : largest + 1
        guard largest < slots else {
            throw StatsError.dimension("group index \(largest) is outside 0..<\(slots)")
        }
        return (groups, max(slots, 1))
    }

    /// Mean, SD and t interval of every wave, then of every group slot and wave.
    static func descriptives(_ m: RepeatedMeasuresMoments, withGroups: Bool) -> [RepeatedMeasuresResult.Descriptive] {
        var out: [RepeatedMeasuresResult.Descriptive] = []
        for j in 0..<m.waves {
            out.append(describe(wave: j, group: nil, n: m.n, mean: m.grandMeans[j], ss: m.totalSS[j]))
        }
        if withGroups {
            for k in 0..<m.groupSlots {
                for j in 0..<m.waves {
                    out.append(describe(wave: j, group: k, n: m.counts[k],
                                        mean: m.groupMeans[k * m.waves + j], ss: m.groupSS[k * m.waves + j]))
                }
            }
        }
        return out
    }

    private static func describe(wave: Int, group: Int?, n: Int, mean: Double, ss: Double) -> RepeatedMeasuresResult.Descriptive {
        let d = Descriptives(n: n, mean: mean, sumOfSquares: ss)
        return .init(wave: wave, group: group, n: n, mean: d.mean, sd: d.sd, ci: d.ci)
    }
}
