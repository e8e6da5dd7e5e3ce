import Foundation
import WavesCore

/// The methods paragraph of the reviewers' sections (flow, attrition, multiplicity, effect-size
/// intervals, small-sample df), and their references.
extension Methods {
    static func reviewerParagraph(_ r: StudyReport) -> Paragraph? {
        guard r.reviewers != nil else { return nil }
        let adj = r.options.adjustment == .benjaminiHochberg ? "the Benjamini and Hochberg (1995) false discovery rate procedure" : "Holm's (1979) procedure"
        return .init(heading: "Attrition, missing data and reporting", text:
            "Participant flow is reported per wave (enrolled, invited, consented, started, completed, analysed, withdrawn, lost) following CHERRIES and STROBE item 13. "
            + "Participants lost by an instrument's last wave were compared at baseline with those who stayed by Welch's (1947) t-test and Hedges' g with its 95% noncentral-t interval (Hedges, 1981), "
            + "and their roles by Fisher's exact test; Little's (1988) test of missing completely at random was applied to the wave-by-wave scale scores (maximum-likelihood means and covariances by EM). "
            + "The p-values of the change across waves were adjusted across the study's scales by \(adj). "
            + "Partial eta squared is given with its 90% and d_z with its 95% interval by inverting the noncentral F and t distributions (Steiger, 2004). "
            + "Mixed-model slopes use Kenward and Roger (1997) degrees of freedom and adjusted standard errors when fewer than 40 participants contribute, otherwise Satterthwaite's.")
    }

    static let reviewerReferences: [String] = [
        "Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: A practical and powerful approach to multiple testing. Journal of the Royal Statistical Society: Series B, 57(1), 289–300.",
        "Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related estimators. Journal of Educational Statistics, 6(2), 107–128.",
        "Kenward, M. G., & Roger, J. H. (1997). Small sample inference for fixed effects from restricted maximum likelihood. Biometrics, 53(3), 983–997.",
        "Little, R. J. A. (1988). A test of missing completely at random for multivariate data with missing values. Journal of the American Statistical Association, 83(404), 1198–1202.",
        "Steiger, J. H. (2004). Beyond the F test: Effect size confidence intervals and tests of close fit in the analysis of variance and contrast analysis. Psychological Methods, 9(2), 164–182.",
        "Welch, B. L. (1947). The generalization of 'Student's' problem when several different population variances are involved. Biometrika, 34(1–2), 28–35.",
    ]
}
