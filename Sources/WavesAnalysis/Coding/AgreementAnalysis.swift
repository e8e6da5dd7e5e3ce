import Foundation
import WavesCore
import WavesStats

/// `waves agreement --json` (spec/cli.md, "Qualitative coding").
public struct AgreementReport: Encodable, Sendable {
    public struct CodeRow: Encodable, Sendable {
        public var code: String
        public var label: String
        /// 0 for a top-level code.
        public var depth: Int
        /// Units judged by at least two of the coders.
        public var nUnits: Int
        /// Judgements (by any coder, on those units) in which the code counts as present.
        public var present: Int
        @NullCodable public var percentAgreement: Double?
        @NullCodable public var cohenKappa: Double?
        @NullCodable public var krippendorffAlpha: Double?
        @NullCodable public var alphaCI: [Double]?
        /// `null`, `tentative` (alpha below 0.80) or `unreliable` (below 0.667), after Krippendorff (2004).
        @NullCodable public var flag: String?
        enum CodingKeys: String, CodingKey {
            case code, label, depth, present, flag
            case nUnits = "n_units", percentAgreement = "percent_agreement", cohenKappa = "cohen_kappa"
            case krippendorffAlpha = "krippendorff_alpha", alphaCI = "alpha_ci"
        }
    }
    public struct Overall: Encodable, Sendable {
        public var nUnits: Int
        @NullCodable public var percentAgreement: Double?
        @NullCodable public var cohenKappa: Double?
        @NullCodable public var krippendorffAlpha: Double?
        @NullCodable public var alphaCI: [Double]?
        @NullCodable public var flag: String?
        enum CodingKeys: String, CodingKey {
            case flag
            case nUnits = "n_units", percentAgreement = "percent_agreement", cohenKappa = "cohen_kappa"
            case krippendorffAlpha = "krippendorff_alpha", alphaCI = "alpha_ci"
        }
    }
    public struct Bootstrap: Encodable, Sendable {
        public var replicates: Int
        public var seed: UInt64
        public var method: String
    }
    public var codebook: String
    public var codebookVersion: String
    public var coders: [String]
    /// Units judged by at least one of the coders.
    public var units: Int
    public var codes: [CodeRow]
    public var overall: Overall
    public var bootstrap: Bootstrap
    public var notes: [String]
    enum CodingKeys: String, CodingKey {
        case codebook, coders, units, codes, overall, bootstrap, notes
        case codebookVersion = "codebook_version"
    }
}

/// Agreement between coders, per code and overall (spec/cli.md, "Qualitative coding").
public enum AgreementAnalysis {
    /// Krippendorff's (2004) thresholds: alpha >= 0.80 to rely on a variable, >= 0.667 for tentative conclusions.
    public static let reliableAlpha = 0.80
    public static let tentativeAlpha = 0.667

    /// The flag of an alpha: nil (0.80 or more, or undefined), `tentative` or `unreliable`.
    public static func flag(_ alpha: Double?) -> String? {
        guard let a = alpha else { return nil }
        if a < tentativeAlpha { return "unreliable" }
        if a < reliableAlpha { return "tentative" }
        return nil
    }

    /// Each code is a nominal present/absent judgement per unit and coder (a code counts as
    /// present when it or a child is applied); `units` limits the units (decisions on other
    /// units are ignored). Kappa needs exactly two coders. The overall row pools every
    /// (unit, code) judgement as one nominal variable.
    public static func run(codebook: Codebook, coders: [CoderJudgements], units: [String],
                           bootstrap: Int = 1000, seed: UInt64 = 1) -> AgreementReport {
        let inScope = Set(units)
        let judged = units.filter { u in coders.contains { $0.codes[u] != nil } }
        var rows: [AgreementReport.CodeRow] = []
        var pooled: [[Int?]] = []
        var notes: [String] = []
        for f in codebook.flat {
            let sub = codebook.subtree(f.code.id)
            let ratings = NominalRatings(judged.map { u in
                coders.map { c in c.codes[u].map { sub.isDisjoint(with: $0) ? 0 : 1 } }
            })
            pooled += ratings.values
            let pairable = ratings.pairable
            let present = pairable.values.reduce(0) { $0 + $1.reduce(0) { $0 + ($1 == 1 ? 1 : 0) } }
            let alpha = KrippendorffAlpha.nominal(pairable)
            rows.append(AgreementReport.CodeRow(
                code: f.code.id, label: f.code.label, depth: f.depth, nUnits: pairable.unitCount, present: present,
                percentAgreement: Agreement.percentAgreement(pairable),
                cohenKappa: coders.count == 2 ? Agreement.cohenKappa(pairable.values.map { $0[0] }, pairable.values.map { $0[1] }) : nil,
                krippendorffAlpha: alpha,
                alphaCI: KrippendorffAlpha.bootstrapInterval(pairable, replicates: bootstrap, seed: seed).map { [$0.lower, $0.upper] },
                flag: flag(alpha)))
        }
        let all = NominalRatings(pooled).pairable
        let overallAlpha = KrippendorffAlpha.nominal(all)
        let overall = AgreementReport.Overall(
            nUnits: rows.first?.nUnits ?? 0, percentAgreement: Agreement.percentAgreement(all),
            cohenKappa: coders.count == 2 ? Agreement.cohenKappa(all.values.map { $0[0] }, all.values.map { $0[1] }) : nil,
            krippendorffAlpha: overallAlpha,
            alphaCI: KrippendorffAlpha.bootstrapInterval(all, replicates: bootstrap, seed: seed).map { [$0.lower, $0.upper] },
            flag: flag(overallAlpha))
        let outside = Set(coders.flatMap { $0.codes.keys }).subtracting(inScope).count
        if outside > 0 { notes.append("\(outside) coded unit(s) are not among the units in scope (another wave or item, or an answer no longer in the store) and are left out.") }
        if coders.count < 2 { notes.append("agreement needs at least two coders; only \(coders.count) coded these units.") }
        if coders.count > 2 { notes.append("Cohen's kappa is reported only for exactly two coders (--coders A,B).") }
        if rows.contains(where: { $0.nUnits > 0 && $0.krippendorffAlpha == nil }) {
            notes.append("alpha is null where every judgement of a code is the same (no variation to agree on).")
        }
        return AgreementReport(codebook: codebook.id, codebookVersion: codebook.version, coders: coders.map(\.coder),
                               units: judged.count, codes: rows, overall: overall,
                               bootstrap: .init(replicates: bootstrap, seed: seed, method: "percentile, units resampled"),
                               notes: notes)
    }
}
