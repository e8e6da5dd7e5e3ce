import Foundation

/// Welch's two-sample t-test (unequal variances), as R `t.test(x, y)`.
///
/// Welch (1947): `t = (mean(x) - mean(y)) / sqrt(s_x^2/n_x + s_y^2/n_y)`,
/// `df = (s_x^2/n_x + s_y^2/n_y)^2 / ((s_x^2/n_x)^2/(n_x - 1) + (s_y^2/n_y)^2/(n_y - 1))`,
/// two-sided p from Student's t with that df.
public struct WelchTest: Sendable, Equatable {
    public let x: Descriptives
    public let y: Descriptives
    public let t: Double
    public let df: Double
    public let p: Double
    /// 95% interval of mean(x) - mean(y).
    public let ci: StatInterval?

    /// Nil (with the reason in `reason`) when a group has fewer than 2 values or, as R, when
    /// the standard error is below 10 eps max(|mean x|, |mean y|) ("data are essentially constant").
    public static func test(_ x: [Double], _ y: [Double]) -> (result: WelchTest?, reason: String?) {
        let dx = Descriptives(x), dy = Descriptives(y)
        guard let mx = dx.mean, let my = dy.mean, let sx = dx.sd, let sy = dy.sd else {
            return (nil, "the Welch test needs at least 2 values in each group (has \(dx.n) and \(dy.n))")
        }
        let vx = sx * sx / Double(dx.n), vy = sy * sy / Double(dy.n)
        let se = (vx + vy).squareRoot()
        guard se >= 10 * Double.ulpOfOne * max(abs(mx), abs(my)), se > 0 else {
            return (nil, "the Welch test is undefined: both groups are constant")
        }
        let df = (vx + vy) * (vx + vy) / (vx * vx / Double(dx.n - 1) + vy * vy / Double(dy.n - 1))
        let t = (mx - my) / se
        let q = Distributions.tQuantile(0.975, df: df)
        return (WelchTest(x: dx, y: dy, t: t, df: df, p: Distributions.tTwoSided(t, df: df),
                          ci: StatInterval.finite(mx - my - q * se, mx - my + q * se)), nil)
    }
}
