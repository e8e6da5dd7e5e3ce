import Foundation
import WavesCore
import WavesStats

/// The results of every scale as a paper reports them (`waves results`, and the report's
/// "Results paragraphs" section): the change test adjusted across the study's scales, its
/// effect sizes with intervals, and the mixed model's slope with its df method.
public struct ResultsReport: Encodable, Sendable {
    public struct WaveMean: Encodable, Sendable {
        public var wave: String
        public var n: Int
        @NullCodable public var mean: Double?
        @NullCodable public var sd: Double?
    }
    public struct Slope: Encodable, Sendable {
        public var estimate: Double
        public var se: Double
        @NullCodable public var df: Double?
        public var t: Double
        @NullCodable public var p: Double?
        public var dfMethod: String
        public var nParticipants: Int
        public var nObs: Int
        enum CodingKeys: String, CodingKey { case estimate, se, df, t, p, dfMethod = "df_method", nParticipants = "n_participants", nObs = "n_obs" }
    }
    public struct Scale: Encodable, Sendable {
        public var instrument: String
        public var scale: String
        public var label: String
        public var waves: [String]
        /// Participants with a score at every wave (the ANOVA's sample).
        public var n: Int
        public var means: [WaveMean]
        @NullCodable public var df1: Double? = nil
        @NullCodable public var df2: Double? = nil
        @NullCodable public var F: Double? = nil
        /// The wave effect's p, sphericity-corrected when `correction` is set.
        @NullCodable public var p: Double? = nil
        /// `p` adjusted across the study's scales by `ResultsReport.adjustment`.
        @NullCodable public var pAdjusted: Double? = nil
        @NullCodable public var correction: String? = nil
        @NullCodable public var pes: Double? = nil
        @NullCodable public var pesCI: [Double]? = nil
        /// d_z of the first against the last wave, with its 95% interval.
        @NullCodable public var dz: Double? = nil
        @NullCodable public var dzCI: [Double]? = nil
        @NullCodable public var slope: Slope? = nil
        public var paragraph: String
        public var notes: [String]
        enum CodingKeys: String, CodingKey {
            case instrument, scale, label, waves, n, means, df1, df2, F, p, correction, pes, dz, slope, paragraph, notes
            case pAdjusted = "p_adjusted", pesCI = "pes_ci", dzCI = "dz_ci"
        }
    }
    /// "holm" or "BH" (R `p.adjust` names).
    public var adjustment: String
    /// Number of scales whose p entered the adjustment.
    public var family: Int
    public var scales: [Scale]
}

/// Builds the results of every scale and their paragraphs.
///
/// Per scale: the one-way repeated-measures ANOVA of `waves change` over the instrument's
/// waves (GG/HF-corrected p as `waves change` chooses), d_z first vs last wave, partial eta
/// squared with its 90% interval; the linear-time random-intercept model of `waves lmm
/// --time linear` with Kenward-Roger df below `MixedModelAnalysis.smallSample` participants
/// and Satterthwaite df otherwise. The wave-effect p-values of all scales form one family,
/// adjusted by Holm (1979) or Benjamini & Hochberg (1995), as R `p.adjust`.
public enum ResultsAnalysis {
    public static func run(bundle: StudyBundle, adjustment: MultipleComparisons.Method = .holm,
                           loaded: [String: InstrumentData] = [:]) throws -> ResultsReport {
        var scales: [ResultsReport.Scale] = []
        for inst in bundle.instruments where !inst.scales.isEmpty {
            let data = try loaded[inst.id] ?? InstrumentData.load(bundle, instrument: inst)
            // An instrument's scales side by side on every core (as the report runs them); the
            // results in scale order.
            scales += Parallel.map(inst.scales) { one(data: data, bundle: bundle, instrument: inst, scale: $0) }
        }
        return assemble(scales, adjustment: adjustment)
    }

    /// The report from every scale's analyses (`one`, in study order, which callers may run at
    /// once): the family's adjustment and the paragraphs.
    public static func assemble(_ scales: [ResultsReport.Scale], adjustment: MultipleComparisons.Method) -> ResultsReport {
        var scales = scales
        let adjusted = MultipleComparisons.adjust(scales.map(\.p), method: adjustment)
        for i in scales.indices { scales[i].pAdjusted = adjusted[i] }
        let family = scales.compactMap(\.p).count
        for i in scales.indices { scales[i].paragraph = ResultsParagraph.make(scales[i], adjustment: adjustment, family: family) }
        return ResultsReport(adjustment: adjustment.rawValue, family: family, scales: scales)
    }

    /// One scale's analyses, before the family's adjustment and the paragraph (`assemble`).
    public static func one(data: InstrumentData, bundle: StudyBundle, instrument inst: Instrument, scale: WavesCore.Scale) -> ResultsReport.Scale {
        let qualified = "\(inst.id).\(scale.id)"
        let waves = bundle.waves(of: inst).map(\.id)
        var r = ResultsReport.Scale(instrument: inst.id, scale: scale.id, label: scale.label, waves: waves, n: 0, means: [],
                                    paragraph: "", notes: [])
        if waves.count >= 2 {
            do {
                let c = try ChangeAnalysis.run(data: data, bundle: bundle, scale: qualified, waves: waves, betweenRole: false)
                r.n = c.n
                r.means = c.descriptives.map { .init(wave: $0.wave, n: $0.n, mean: $0.mean, sd: $0.sd) }
                if let w = c.anova.first(where: { $0.effect == "wave" }) {
                    let eps = w.epsilon(c.correction)
                    let e = min(1, eps ?? 1)
                    r.df1 = Double(w.df1) * e; r.df2 = Double(w.df2) * e
                    r.F = w.F
                    r.p = w.correctedP(c.correction) ?? w.p
                    r.correction = eps == nil ? nil : c.correction?.rawValue
                    r.pes = w.pes; r.pesCI = w.pesCI
                }
                if let ph = c.posthoc.first(where: { $0.a == waves.first && $0.b == waves.last }) { r.dz = ph.dz; r.dzCI = ph.dzCI }
            } catch { r.notes.append("change: \((error as? LocalizedError)?.errorDescription ?? String(describing: error))") }
            do {
                let probe = try MixedModelAnalysis.run(data: data, bundle: bundle, scale: qualified, time: .linear, betweenRole: false, slopes: false,
                                                       diagnostics: false)
                let lm = probe.nParticipants < MixedModelAnalysis.smallSample
                    ? try MixedModelAnalysis.run(data: data, bundle: bundle, scale: qualified, time: .linear, betweenRole: false, slopes: false,
                                                 df: .kenwardRoger, diagnostics: false)
                    : probe
                if let f = lm.fixed.first(where: { $0.term == "time" }), f.estimate.isFinite, f.se.isFinite, f.t.isFinite {
                    r.slope = .init(estimate: f.estimate, se: f.se, df: f.df, t: f.t, p: f.p, dfMethod: lm.dfMethod.rawValue,
                                    nParticipants: lm.nParticipants, nObs: lm.nObs)
                }
            } catch { r.notes.append("mixed model: \((error as? LocalizedError)?.errorDescription ?? String(describing: error))") }
        } else {
            r.notes.append("the instrument is given at one wave only: no change to test")
        }
        return r
    }
}

/// An APA-style results paragraph (Publication Manual, 7th ed.; JARS-Quant effect sizes with
/// intervals) from one scale's `ResultsReport.Scale`: every number is one of its fields,
/// rounded by `NumberText`.
public enum ResultsParagraph {
    public static func make(_ s: ResultsReport.Scale, adjustment: MultipleComparisons.Method, family: Int) -> String {
        var out: [String] = []
        if !s.means.isEmpty {
            let parts = s.means.map { "M = \(NumberText.fixed($0.mean)) (SD = \(NumberText.fixed($0.sd))) at \($0.wave)" }
            out.append("\(s.label) scores were \(list(parts)) (n = \(s.n) with a score at every wave).")
        }
        if let F = s.F, let df1 = s.df1, let df2 = s.df2 {
            let sig = (s.pAdjusted ?? s.p ?? 1) < 0.05
            let dfText = s.correction == nil ? "F(\(NumberText.fixed(df1, 0)), \(NumberText.fixed(df2, 0)))" : "F(\(NumberText.fixed(df1)), \(NumberText.fixed(df2)))"
            var t = "A repeated-measures ANOVA showed \(sig ? "a significant" : "no significant") change across waves, \(dfText) = \(NumberText.fixed(F)), p \(NumberText.pEquals(s.p))"
            if let c = s.correction { t += " (\(c == "GG" ? "Greenhouse-Geisser" : "Huynh-Feldt") corrected)" }
            if family > 1 {
                t += "; \(adjustment == .benjaminiHochberg ? "Benjamini-Hochberg" : "Holm")-adjusted across \(family) scales p \(NumberText.pEquals(s.pAdjusted))"
            }
            t += ", partial η² = \(NumberText.fixed(s.pes)), 90% CI \(NumberText.interval(s.pesCI?.first, s.pesCI?.last))."
            out.append(t)
        }
        if let dz = s.dz, let a = s.waves.first, let b = s.waves.last {
            out.append("From \(a) to \(b) the standardised change was d_z = \(NumberText.fixed(dz)), 95% CI \(NumberText.interval(s.dzCI?.first, s.dzCI?.last)).")
        }
        if let m = s.slope {
            let method = m.dfMethod == "kenward-roger" ? "Kenward-Roger" : "Satterthwaite"
            out.append("In a linear mixed model of every observed score (\(m.nParticipants) participants, \(m.nObs) observations; random intercept per participant), "
                       + "the score changed by \(NumberText.fixed(m.estimate, 3)) per unit of time (SE = \(NumberText.fixed(m.se, 3))), "
                       + "t(\(NumberText.fixed(m.df, 1))) = \(NumberText.fixed(m.t)), p \(NumberText.pEquals(m.p)) (\(method) degrees of freedom).")
        }
        if out.isEmpty { return "\(s.label): no results (\(s.notes.joined(separator: "; ")))." }
        return out.joined(separator: " ")
    }

    /// "a, b and c".
    static func list(_ parts: [String]) -> String {
        parts.count <= 1 ? parts.joined() : parts.dropLast().joined(separator: ", ") + " and " + parts.last!
    }
}
