import Foundation
import WavesAnalysis
import WavesCore
import WavesStats

/// Builds one scale's section from the instrument's columnar data (loaded once per instrument).
///
/// Means per wave and role use every available score, with their t interval from
/// `Descriptives` (WavesStats). The analyses are the WavesAnalysis functions behind `waves
/// reliability`, `retest`, `change` (with `--between role` when the study has
/// several roles), `lmm` and `rci` (first to last wave).
struct ScaleSectionBuilder {
    let bundle: StudyBundle
    let data: InstrumentData
    let options: ReportOptions

    func build(_ scale: Scale) -> ScaleSection {
        let inst = data.instrument
        let waves = bundle.waves(of: inst)
        let cols = waves.compactMap { data.waveIndex($0.id) }
        let scores = data.scores(scale: scale)
        let qualified = "\(inst.id).\(scale.id)"

        // Series: the study's roles in order, then participants without a known role.
        let roles = bundle.study.roles
        var seriesOf = [Int](repeating: -1, count: data.participants.count)
        var hasUnknown = false
        for p in 0..<data.participants.count {
            if let r = data.roles[p], let g = roles.firstIndex(of: r) { seriesOf[p] = g } else { seriesOf[p] = roles.count; hasUnknown = true }
        }
        let names = roles + (hasUnknown ? ["role unknown"] : [])
        var sums = [[(n: Int, sum: Double, sq: Double)]](repeating: Array(repeating: (0, 0, 0), count: cols.count), count: names.count)
        // Two passes for the SD (numerically safer than sums of squares).
        for p in 0..<scores.rows {
            for (j, c) in cols.enumerated() {
                let v = scores[p, c]
                if !v.isNaN { sums[seriesOf[p]][j].n += 1; sums[seriesOf[p]][j].sum += v }
            }
        }
        for p in 0..<scores.rows {
            for (j, c) in cols.enumerated() {
                let v = scores[p, c], g = seriesOf[p]
                if !v.isNaN { let m = sums[g][j].sum / Double(sums[g][j].n); sums[g][j].sq += (v - m) * (v - m) }
            }
        }
        var means: [MeanSeries] = []
        var sds: [[Double?]] = []
        for (g, name) in names.enumerated() {
            var pts: [MeanPoint?] = []
            var sdRow: [Double?] = []
            for j in 0..<cols.count {
                let s = sums[g][j]
                guard s.n > 0 else { pts.append(nil); sdRow.append(nil); continue }
                let d = Descriptives(n: s.n, mean: s.sum / Double(s.n), sumOfSquares: s.sq)
                pts.append(MeanPoint(mean: d.mean!, lower: d.ci?.lower, upper: d.ci?.upper, n: s.n))
                sdRow.append(d.sd)
            }
            if pts.contains(where: { $0 != nil }) { means.append(MeanSeries(name: name, points: pts)); sds.append(sdRow) }
        }
        // Keep series indices aligned with `names` for the trajectories' colours.
        let shownNames = means.map(\.name)
        let (trajectories, total) = sampleTrajectories(scores: scores, cols: cols, seriesOf: seriesOf.map { shownNames.firstIndex(of: names[$0]) ?? 0 })

        let reliability = Outcome<[ReliabilityReport]>.run {
            // The items read in place: no copy of the scale at the report's peak (issue 14).
            try waves.map { try PsychometricsAnalysis.reliability(data: data, scale: scale, wave: $0, bootstrap: options.bootstrap, seed: options.seed,
                                                                  inPlace: true) }
        }
        let retest: Outcome<[RetestReport]> = waves.count < 2 ? .unavailable("the instrument is given at one wave only") : Outcome.run {
            try retestPairs(waves).map { try PsychometricsAnalysis.retest(data: data, scale: scale, waves: [$0.0, $0.1]) }
        }
        let change: Outcome<ChangeReport> = waves.count < 2 ? .unavailable("the instrument is given at one wave only") : Outcome.run {
            try ChangeAnalysis.run(data: data, bundle: bundle, scale: qualified, waves: waves.map(\.id),
                                   betweenRole: data.rolesCompare(scores: scores, waves: cols, roles: bundle.study.roles))
        }
        var lmm: Outcome<LMMReport> = waves.count < 2 ? .unavailable("the instrument is given at one wave only") : Outcome.run {
            try MixedModelAnalysis.run(data: data, bundle: bundle, scale: qualified, time: .categorical,
                                       betweenRole: data.rolesPresent(scores: scores, waves: cols, roles: bundle.study.roles), slopes: false)
        }
        // The residuals become the points the diagnostics plots draw, and are not kept.
        var diagnostics: ScaleDiagnostics?
        if case .value(var model) = lmm, let d = model.diagnostics {
            diagnostics = ScaleDiagnostics(d)
            model.diagnostics = nil
            lmm = .value(model)
        }
        let rci: Outcome<RCIReport> = waves.count < 2 ? .unavailable("the instrument is given at one wave only") : Outcome.run {
            // Alpha at the first wave comes from the reliability section, not computed again
            // (without a bootstrap its report is exactly what `reliableChange` would compute).
            // The report shows the counts: the per-participant rows are left out (`waves rci` lists them).
            try PsychometricsAnalysis.reliableChange(data: data, scale: scale, from: waves.first!, to: waves.last!, reliability: nil,
                                                     fromReliability: options.bootstrap == 0 ? reliability.value?.first { $0.wave == waves.first!.id } : nil,
                                                     participantRows: false)
        }
        return ScaleSection(instrument: inst.id, instrumentTitle: inst.title, scale: scale.id, label: scale.label, qualifiedName: qualified,
                            items: scale.items, scoreRule: scale.score.rawValue, waves: waves.map(\.id), waveLabels: waves.map(\.label),
                            scoreRange: scoreRange(scale), means: means, sds: sds, seriesNames: shownNames,
                            trajectories: trajectories, trajectoriesTotal: total,
                            reliability: reliability, retest: retest, change: change, lmm: lmm, rci: rci, diagnostics: diagnostics)
    }

    /// Consecutive pairs of waves, and first with last when there are more than two.
    func retestPairs(_ waves: [Wave]) -> [(Wave, Wave)] {
        var pairs = zip(waves, waves.dropFirst()).map { ($0, $1) }
        if waves.count > 2 { pairs.append((waves.first!, waves.last!)) }
        return pairs
    }

    /// At most `maxTrajectories` participants with a score, evenly spread over the participant order (deterministic).
    func sampleTrajectories(scores: Matrix, cols: [Int], seriesOf: [Int]) -> ([Trajectory], Int) {
        var who: [Int] = []
        for p in 0..<scores.rows where cols.contains(where: { !scores[p, $0].isNaN }) { who.append(p) }
        let m = max(0, options.maxTrajectories)
        let pick: [Int] = who.count <= m ? who : (0..<m).map { who[$0 * who.count / m] }
        let out = pick.map { p in
            Trajectory(series: seriesOf[p], values: cols.map { let v = scores[p, $0]; return v.isNaN ? nil : v })
        }
        return (out, who.count)
    }

    /// The possible range of the score from the items' response sets (nil for number items).
    func scoreRange(_ scale: Scale) -> ClosedRange<Double>? {
        let items = scale.items.compactMap { data.instrument.item($0) }
        guard !items.isEmpty, items.allSatisfy({ $0.responseSet != nil }) else { return nil }
        let lo = items.map { $0.responseSet!.minValue }.min()!, hi = items.map { $0.responseSet!.maxValue }.max()!
        let k = Double(scale.items.count)
        return scale.score == .sum ? (lo * k)...(hi * k) : lo...hi
    }
}
