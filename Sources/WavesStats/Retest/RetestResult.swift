import Foundation

/// Test-retest agreement of one score between two waves (`waves retest`).
///
/// `iccA1` is ICC(A,1) (McGraw & Wong; R psych::ICC "ICC2", single random
/// raters), `iccC1` ICC(C,1) (psych "ICC3", single fixed raters); intervals as
/// psych::ICC at 95%. Values that cannot be computed are nil and `reasons`
/// says why (one sentence each, prefixed by the JSON key).
public struct RetestResult: Equatable, Sendable {
    /// Pairs with both values present.
    public var n: Int
    public var pearsonR: Double?
    public var iccA1: Double?
    public var iccA1CI: StatInterval?
    public var iccC1: Double?
    public var iccC1CI: StatInterval?
    /// Two-way ANOVA mean squares behind the ICCs (subjects, waves, residual).
    public var msSubjects: Double?
    public var msWaves: Double?
    public var msResidual: Double?
    public var reasons: [String]

    public init(n: Int, pearsonR: Double?, iccA1: Double?, iccA1CI: StatInterval?, iccC1: Double?,
                iccC1CI: StatInterval?, msSubjects: Double?, msWaves: Double?, msResidual: Double?,
                reasons: [String]) {
        self.n = n
        self.pearsonR = pearsonR
        self.iccA1 = iccA1
        self.iccA1CI = iccA1CI
        self.iccC1 = iccC1
        self.iccC1CI = iccC1CI
        self.msSubjects = msSubjects
        self.msWaves = msWaves
        self.msResidual = msResidual
        self.reasons = reasons
    }
}
