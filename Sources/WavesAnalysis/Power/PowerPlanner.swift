import Foundation
import WavesCore

/// `waves power`: resolves the request, runs the simulations or the search, and builds the report.
public enum PowerPlanner {
    /// Multiples of the effect for the power curve of a single sample size (`--svg` without a search).
    public static let curveGrid: [Double] = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]

    public static func run(_ r: PowerRequest, bundle: StudyBundle?, progress: PowerProgress? = nil) throws -> PowerReport {
        let resolved = try r.resolve(bundle: bundle)
        let s = resolved.settings, unit = resolved.timeUnit
        var notes = resolved.notes
        let run = PowerSearch.Run(sims: r.sims, seed: r.seed, workers: r.workers, progress: progress)
        var rows: [PowerReport.Row] = []
        var search: PowerReport.Search? = nil
        var curve: PowerReport.Curve? = nil
        var estimates: [PowerEstimate] = []

        if let target = r.targetPower, r.search == .participants {
            let start = r.participants.first ?? max(s.minimumParticipants, 20)
            let found = try PowerSearch.participants(s, target: target, start: start, run: run)
            estimates = [found.estimate]
            rows = [row(found.estimate, sentence: PowerText.sentence(participantSearch: found, s, timeUnit: unit))]
            search = .init(parameter: "participants", target: target,
                           method: "bisection over the number of participants on common random numbers (doubling to bracket, then halving to adjacent integers); the answer is the smallest number on the grid whose estimated power reaches the target",
                           steps: [found.evaluations.map(step)])
            let points = dedupe(found.evaluations.sorted { $0.participants < $1.participants }, by: { Double($0.participants) })
            curve = .init(x: "participants", series: [.init(label: "power", points: points.map { point($0, x: Double($0.participants)) })])
        } else if let target = r.targetPower {
            guard !r.participants.isEmpty else { throw AnalysisError.invalidArgument("give --participants N1,N2,.. for the effect search") }
            var steps: [[PowerReport.Search.Step]] = []
            var series: [PowerReport.Curve.Series] = []
            for n in r.participants {
                let found = try PowerSearch.effect(s, participants: n, target: target, start: abs(s.effect), tolerance: r.precision, run: run)
                estimates.append(found.estimate)
                var x = row(found.estimate, sentence: PowerText.sentence(effectSearch: found, s, timeUnit: unit))
                x.mde = found.value; x.mdeBelow = found.below; x.mdePrecision = found.precision
                rows.append(x)
                steps.append(found.evaluations.map(step))
                let pts = dedupe(found.evaluations.sorted { $0.effect < $1.effect }, by: \.effect)
                series.append(.init(label: "\(PowerText.count(n)) participants", points: pts.map { point($0, x: $0.effect) }))
            }
            search = .init(parameter: "effect", target: target,
                           method: "bisection over the effect on common random numbers (doubling from the start value to bracket, then halving until the bracket is narrower than the precision); the answer is the bracket's upper end, the smallest effect shown to reach the target",
                           steps: steps)
            curve = .init(x: "effect", series: series)
        } else {
            guard !r.participants.isEmpty else { throw AnalysisError.invalidArgument("give --participants N1,N2,.. (the sample sizes to simulate)") }
            for n in r.participants {
                let e = try PowerSimulation.run(s, participants: n, sims: r.sims, seed: r.seed, workers: r.workers, progress: progress)
                estimates.append(e)
                rows.append(row(e, sentence: PowerText.sentence(e, s, timeUnit: unit)))
            }
            if r.participants.count >= 2 {
                curve = .init(x: "participants", series: [.init(label: "power", points: estimates.map { point($0, x: Double($0.participants)) })])
            } else if r.curve {
                let n = r.participants[0]
                var pts: [PowerReport.Curve.Point] = []
                for m in curveGrid {
                    let e = m == 1 ? estimates[0] : try PowerSimulation.run(s.with(effect: s.effect * m), participants: n, sims: r.sims,
                                                                             seed: r.seed, workers: r.workers, progress: progress)
                    pts.append(point(e, x: e.effect))
                }
                curve = .init(x: "effect", series: [.init(label: "\(PowerText.count(n)) participants", points: pts)])
                notes.append("the power curve over the effect (0 to 2 times \(PowerText.number(s.effect))) took \(curveGrid.count - 1) more runs of \(PowerText.count(r.sims)) simulations on the same random numbers")
            }
        }
        notes += summaryNotes(estimates)
        return PowerReport(design: s.design.rawValue, sims: r.sims, seed: r.seed, alpha: s.alpha, results: rows,
                           settings: settings(s, unit: unit, estimates: estimates, effectSearched: r.targetPower != nil && r.search == .effect), fromStudy: resolved.taken.isEmpty ? nil : resolved.taken,
                           search: search, curve: curve, notes: notes)
    }

    static func row(_ e: PowerEstimate, sentence: String) -> PowerReport.Row {
        PowerReport.Row(participants: e.participants, power: e.power, ci: e.interval.values, failedFits: e.failedShare,
                        singularFits: e.singularShare, effect: e.effect, significant: e.significant, failed: e.failed,
                        singular: e.singular, meanEstimate: e.meanEstimate, failure: e.firstFailure, sentence: sentence)
    }

    static func step(_ e: PowerEstimate) -> PowerReport.Search.Step { .init(participants: e.participants, effect: e.effect, power: e.power) }

    static func point(_ e: PowerEstimate, x: Double) -> PowerReport.Curve.Point { .init(x: x, power: e.power, ci: e.interval.values) }

    static func dedupe(_ es: [PowerEstimate], by key: (PowerEstimate) -> Double) -> [PowerEstimate] {
        var out: [PowerEstimate] = []
        for e in es where out.last.map({ key($0) != key(e) }) ?? true { out.append(e) }
        return out
    }

    /// Plain notes on failed and singular fits and on floor and ceiling.
    static func summaryNotes(_ es: [PowerEstimate]) -> [String] {
        var notes: [String] = []
        let failed = es.reduce(0) { $0 + $1.failed }, total = es.reduce(0) { $0 + $1.sims }
        if failed > 0, let why = es.lazy.compactMap(\.firstFailure).first {
            notes.append("\(PowerText.count(failed)) of \(PowerText.count(total)) simulated analyses failed and count as not significant (the first: \(why))")
        }
        let singular = es.reduce(0) { $0 + $1.singular }
        if total > 0, Double(singular) / Double(total) > 0.1 {
            notes.append("\(PowerText.percent(Double(singular) / Double(total))) of the mixed-model fits were singular (a variance at zero or a correlation at +-1), as often with small random-slope variances; their p-values count, as in lmerTest")
        }
        let shares = es.compactMap(\.extremeShare)
        if let maxShare = shares.max(), maxShare > 0.1 {
            notes.append("up to \(PowerText.percent(maxShare)) of the simulated item answers were at the lowest or highest option (floor or ceiling), which lowers the power to detect change")
        }
        return notes
    }

    static func settings(_ s: PowerSettings, unit: String, estimates: [PowerEstimate], effectSearched: Bool) -> PowerReport.Settings {
        let mixed = s.design.isMixedModel
        let roles = s.design == .lmmRoleSlope
        var items: PowerReport.Settings.Items? = nil
        if let m = s.items {
            let shares = estimates.compactMap(\.extremeShare)
            items = .init(instrument: m.instrument, scale: m.scale.id, items: m.items.map(\.id), loadings: m.loadings,
                          missingRate: m.missingRate, loadingSource: m.loadingSource, extremeShare: shares.max())
        }
        return PowerReport.Settings(
            waves: s.waves, times: s.times, timeUnit: unit, effect: effectSearched ? nil : s.effect, attrition: s.attrition,
            rho: mixed ? nil : s.rho, scoreSD: mixed ? nil : s.scoreSD,
            interceptSD: mixed ? s.interceptSD : nil, slopeSD: mixed ? s.slopeSD : nil, cor: mixed ? s.cor : nil,
            residualSD: mixed ? s.residualSD : nil, intercept: s.intercept,
            baseSlope: roles ? s.baseSlope : nil, roleDifference: roles ? s.roleDifference : nil,
            secondRoleShare: roles ? s.secondRoleShare : nil,
            correction: s.design == .change ? s.correction.rawValue : nil, items: items)
    }
}
