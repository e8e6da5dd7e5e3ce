import XCTest
@testable import WavesStats

/// Reference values from R 4.x: qt(0.975, 10), pf(3, 2, 20, lower.tail=FALSE),
/// pchisq(7.4, 2, lower.tail=FALSE), qnorm(0.975), qf(0.975, 5, 100).
final class DistributionsTests: XCTestCase {
    func testAgainstR() {
        XCTAssertEqual(Distributions.tQuantile(0.975, df: 10), 2.228138851986274, accuracy: 1e-12)
        XCTAssertEqual(Distributions.fUpper(3, df1: 2, df2: 20), 0.07253815028640563, accuracy: 1e-12)
        XCTAssertEqual(Distributions.chiSquareUpper(7.4, df: 2), 0.02472352647033939, accuracy: 1e-12)
        XCTAssertEqual(Distributions.normalQuantile(0.975), 1.959963984540054, accuracy: 1e-12)
        XCTAssertEqual(Distributions.fQuantile(0.975, df1: 5, df2: 100), 2.696058958058125, accuracy: 1e-10)
    }
}
