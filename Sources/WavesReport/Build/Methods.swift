import Foundation

/// The methods paragraph: every definition the report uses, with references, ready to paste into a paper.
enum Methods {
    struct Paragraph { var heading: String; var text: String }

    static func paragraphs(_ r: StudyReport) -> [Paragraph] {
        let o = r.overview
        let waveList = o.waves.map { "\($0.label) (\($0.id))" }.joined(separator: ", ")
        let roles = o.roles.joined(separator: ", ")
        var out: [Paragraph] = []
        out.append(.init(heading: "Design and data", text:
            "Data were collected at \(o.waves.count) wave(s): \(waveList), from participants in the role(s) \(roles). "
            + "Responses were stored as an append-only record of submissions; where a participant submitted an instrument more than once at a wave, "
            + "the latest submission (by submission time, then store order) was analysed. Each record carries the SHA-256 hash of the instrument file "
            + "it was collected with, so that a change to an instrument between waves is detectable."))
        out.append(.init(heading: "Scale scores", text:
            "Items keyed in reverse were rescored as (minimum + maximum) − value before any analysis; declined and skipped answers were treated as missing. "
            + "A scale score is the mean of the answered items when at least the scale's required proportion of items was answered (otherwise missing); "
            + "sum-scored scales report that mean multiplied by the number of items. Standard deviations use n − 1. "
            + "The 95% confidence interval of a mean is mean ± t(0.975; n − 1) · SD / √n, computed from every available score at that wave."))
        out.append(.init(heading: "Internal consistency", text:
            "At each wave, Cronbach's (1951) alpha was computed from the item covariance matrix of participants who answered every item of the scale "
            + "(listwise deletion), with the Feldt (1965) 95% interval 1 − (1 − α) · F(q; n − 1, (n − 1)(k − 1)) for q = 0.975 (lower) and 0.025 (upper). "
            + "McDonald's (1999) omega total was computed from a one-factor maximum-likelihood factor analysis of the item correlation matrix "
            + "(as R factanal), ω = (Σλ)² / ((Σλ)² + Σ(1 − λ²)). The corrected item–total correlation (r_drop) is the correlation of an item with the sum "
            + "of the other items; items with r_drop below 0.30 are flagged. Results match R psych::alpha."))
        out.append(.init(heading: "Test–retest agreement", text:
            "Agreement of the scale score between two waves was estimated on participants with a score at both, as the two-way, single-measure intraclass "
            + "correlations of McGraw and Wong (1996): ICC(A,1) for absolute agreement and ICC(C,1) for consistency (Shrout & Fleiss, 1979, ICC2 and ICC3), "
            + "with F-based 95% intervals as in R psych::ICC, and the Pearson correlation."))
        out.append(.init(heading: "Change across waves", text:
            "Change was tested with a repeated-measures analysis of variance on participants with a score at every wave of the instrument"
            + (o.roles.count > 1 ? ", with role as a between-subject factor (effects: wave, role, role × wave) whenever at least two roles had two or more such participants" : "")
            + ", using Type III sums of squares with sum-to-zero contrasts (as R afex::aov_ez). Sphericity was tested with Mauchly's (1940) test. "
            + "The Greenhouse–Geisser (1959) epsilon and the Huynh–Feldt (1976) epsilon with Lecoutre's (1991) correction, "
            + "ε̃ = ((N − g + 1) p ε̂ − 2) / (p (N − g − p ε̂)) with N participants, g groups and p = waves − 1, were computed (as R car); "
            + "the degrees of freedom of within-subject effects were multiplied by the Greenhouse–Geisser epsilon when it was below 0.75 and otherwise "
            + "by the Huynh–Feldt epsilon, capped at 1 (Girden, 1992). Effect sizes are generalized eta squared (Olejnik & Algina, 2003; Bakeman, 2005) "
            + "and partial eta squared. Pairs of waves were compared with paired t-tests on the same participants, adjusted by Holm's (1979) method "
            + "(Bonferroni also shown), with d_z = mean difference / SD of the differences. As a rank-based check, the Friedman (1937) test was computed "
            + "on the same participants (roles ignored), with Kendall's W = χ² / (n (waves − 1))."))
        out.append(.init(heading: "Mixed model", text:
            "To use every observed score, including those of participants who missed a wave, a linear mixed model "
            + "score ~ wave" + (o.roles.count > 1 ? " × role" : "") + " + (1 | participant) was fitted by restricted maximum likelihood (REML; as R lme4, Bates et al., 2015)"
            + (o.roles.count > 1 ? ", with role included whenever at least two roles had two or more participants with a score" : "")
            + ". Wave was coded with treatment contrasts with the first wave as the reference" + (o.roles.count > 1 ? ", and the first role (\(o.roles[0])) was the reference role" : "")
            + ". Degrees of freedom and p-values of the fixed effects use Satterthwaite's (1946) approximation, as R lmerTest (Kuznetsova et al., 2017). "
            + "The log-likelihood and AIC are those of the REML criterion; a fit is flagged as singular when a variance is estimated at zero."))
        out.append(.init(heading: "Reliable change", text:
            "For each participant with a score at the first and the last wave of an instrument, the reliable change index of Jacobson and Truax (1991) is "
            + "RC = (x₂ − x₁) / S_diff, with S_diff = √2 · SD₁ · √(1 − r_xx), where SD₁ is the standard deviation of those participants' first-wave scores "
            + "and r_xx is Cronbach's alpha at the first wave. |RC| > 1.96 is classed as a reliable increase or decrease, otherwise as no reliable change."))
        if let p = reviewerParagraph(r) { out.append(p) }
        out.append(.init(heading: "Software", text:
            "Analyses were run with Waves, whose numerical routines use the GNU Scientific Library; each statistic is tested against R "
            + "(psych, afex, car, lmerTest) on reference data sets. Figures use the Okabe and Ito (2008) colour-blind-safe palette."))
        return out
    }

    static func references(_ r: StudyReport) -> [String] { r.reviewers == nil ? baseReferences : (baseReferences + reviewerReferences).sorted() }

    static let baseReferences: [String] = [
        "Bakeman, R. (2005). Recommended effect size statistics for repeated measures designs. Behavior Research Methods, 37(3), 379–384.",
        "Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models using lme4. Journal of Statistical Software, 67(1), 1–48.",
        "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika, 16(3), 297–334.",
        "Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability coefficient twenty. Psychometrika, 30(3), 357–370.",
        "Friedman, M. (1937). The use of ranks to avoid the assumption of normality implicit in the analysis of variance. Journal of the American Statistical Association, 32(200), 675–701.",
        "Girden, E. R. (1992). ANOVA: Repeated measures. Sage.",
        "Greenhouse, S. W., & Geisser, S. (1959). On methods in the analysis of profile data. Psychometrika, 24(2), 95–112.",
        "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of Statistics, 6(2), 65–70.",
        "Huynh, H., & Feldt, L. S. (1976). Estimation of the Box correction for degrees of freedom from sample data in randomized block and split-plot designs. Journal of Educational Statistics, 1(1), 69–82.",
        "Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical approach to defining meaningful change in psychotherapy research. Journal of Consulting and Clinical Psychology, 59(1), 12–19.",
        "Kuznetsova, A., Brockhoff, P. B., & Christensen, R. H. B. (2017). lmerTest package: Tests in linear mixed effects models. Journal of Statistical Software, 82(13), 1–26.",
        "Lecoutre, B. (1991). A correction for the ε̃ approximate test in repeated measures designs with two or more independent groups. Journal of Educational Statistics, 16(4), 371–372.",
        "Mauchly, J. W. (1940). Significance test for sphericity of a normal n-variate distribution. The Annals of Mathematical Statistics, 11(2), 204–209.",
        "McDonald, R. P. (1999). Test theory: A unified treatment. Lawrence Erlbaum.",
        "McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation coefficients. Psychological Methods, 1(1), 30–46.",
        "Okabe, M., & Ito, K. (2008). Color universal design (CUD): How to make figures and presentations that are friendly to colorblind people.",
        "Olejnik, S., & Algina, J. (2003). Generalized eta and omega squared statistics: Measures of effect size for some common research designs. Psychological Methods, 8(4), 434–447.",
        "Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance components. Biometrics Bulletin, 2(6), 110–114.",
        "Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater reliability. Psychological Bulletin, 86(2), 420–428.",
    ]
}
